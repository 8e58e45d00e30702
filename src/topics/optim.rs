//! Optimizers for the topic model, with MXNet/SageMaker gradient preprocessing:
//! g ← rescale_gradient · g, clipped to [−clip_gradient, clip_gradient], then + weight_decay · w.

use ndarray::{Array2, Zip};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The optimiser of the topic model's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    /// Adam (β₁ 0.9, β₂ 0.999).
    Adam,
    /// Adadelta (ρ 0.9).
    Adadelta,
    /// Stochastic gradient descent with momentum 0.9.
    Sgd,
    /// RMSProp (ρ 0.9).
    Rmsprop,
}

impl std::str::FromStr for OptimizerKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        <Self as clap::ValueEnum>::from_str(s, true).map_err(|_| {
            Error::config(format!(
                "optimizer `{s}` is unknown; use adam, adadelta, sgd or rmsprop"
            ))
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptimConfig {
    pub kind: OptimizerKind,
    pub learning_rate: f32,
    pub weight_decay: f32,
    /// Element-wise clip bound; `None` (or ≤ 0 from SageMaker) disables clipping.
    pub clip_gradient: Option<f32>,
    pub rescale_gradient: f32,
}

impl OptimConfig {
    pub fn validate(&self) -> Result<()> {
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(Error::config(format!(
                "--learning-rate {} must be positive",
                self.learning_rate
            )));
        }
        let finite = self.weight_decay.is_finite() && self.rescale_gradient.is_finite();
        if !(finite && self.weight_decay >= 0.0 && self.rescale_gradient > 0.0) {
            return Err(Error::config(
                "--weight-decay must be a finite number ≥ 0 and --rescale-gradient a finite \
                 number > 0",
            ));
        }
        if let Some(c) = self.clip_gradient.filter(|c| !(c.is_finite() && *c > 0.0)) {
            return Err(Error::config(format!(
                "--clip-gradient {c} must be a finite number > 0"
            )));
        }
        Ok(())
    }
}

const BETA1: f32 = 0.9;
const BETA2: f32 = 0.999;
const ADAM_EPS: f32 = 1e-8;
const RHO: f32 = 0.9;
const MOMENTUM: f32 = 0.9;
const EPS: f32 = 1e-6;

pub struct Optimizer {
    cfg: OptimConfig,
    step: i32,
    /// First state tensor per parameter (Adam m, momentum velocity, mean square).
    s1: Vec<Array2<f32>>,
    /// Second state tensor (Adam v, Adadelta accumulated updates); empty when unused.
    s2: Vec<Array2<f32>>,
}

impl Optimizer {
    pub fn new(cfg: OptimConfig, params: &[Array2<f32>]) -> Optimizer {
        let zeros = || params.iter().map(|p| Array2::zeros(p.raw_dim())).collect();
        let s2 = match cfg.kind {
            OptimizerKind::Adam | OptimizerKind::Adadelta => zeros(),
            _ => Vec::new(),
        };
        Optimizer {
            cfg,
            step: 0,
            s1: zeros(),
            s2,
        }
    }

    pub fn step(&mut self, params: &mut [Array2<f32>], grads: &[Array2<f32>]) {
        self.step += 1;
        let c = self.cfg.clone();
        let clip = c
            .clip_gradient
            .filter(|&v| v > 0.0)
            .unwrap_or(f32::INFINITY);
        let pre =
            move |g: f32, w: f32| (c.rescale_gradient * g).clamp(-clip, clip) + c.weight_decay * w;
        let lr = c.learning_rate;
        for (i, (w, g)) in params.iter_mut().zip(grads).enumerate() {
            let s1 = &mut self.s1[i];
            match c.kind {
                OptimizerKind::Adam => {
                    let t = self.step;
                    let lr_t = lr * (1.0 - BETA2.powi(t)).sqrt() / (1.0 - BETA1.powi(t));
                    Zip::from(w)
                        .and(g)
                        .and(s1)
                        .and(&mut self.s2[i])
                        .par_for_each(|w, &g, m, v| {
                            let g = pre(g, *w);
                            *m = BETA1 * *m + (1.0 - BETA1) * g;
                            *v = BETA2 * *v + (1.0 - BETA2) * g * g;
                            *w -= lr_t * *m / (v.sqrt() + ADAM_EPS);
                        });
                }
                OptimizerKind::Adadelta => {
                    Zip::from(w)
                        .and(g)
                        .and(s1)
                        .and(&mut self.s2[i])
                        .par_for_each(|w, &g, acc_g, acc_d| {
                            let g = pre(g, *w);
                            *acc_g = RHO * *acc_g + (1.0 - RHO) * g * g;
                            let d = (*acc_d + EPS).sqrt() / (*acc_g + EPS).sqrt() * g;
                            *acc_d = RHO * *acc_d + (1.0 - RHO) * d * d;
                            *w -= lr * d;
                        });
                }
                OptimizerKind::Sgd => {
                    Zip::from(w).and(g).and(s1).par_for_each(|w, &g, v| {
                        *v = MOMENTUM * *v - lr * pre(g, *w);
                        *w += *v;
                    });
                }
                OptimizerKind::Rmsprop => {
                    Zip::from(w).and(g).and(s1).par_for_each(|w, &g, n| {
                        let g = pre(g, *w);
                        *n = RHO * *n + (1.0 - RHO) * g * g;
                        *w -= lr * g / (*n + EPS).sqrt();
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every optimizer must drive a convex quadratic ½‖w − 3‖² toward its minimum.
    #[test]
    fn optimizers_minimise_a_quadratic() {
        for (kind, lr) in [
            (OptimizerKind::Adam, 0.1),
            (OptimizerKind::Adadelta, 1.0),
            (OptimizerKind::Sgd, 0.05),
            (OptimizerKind::Rmsprop, 0.01),
        ] {
            let cfg = OptimConfig {
                kind,
                learning_rate: lr,
                weight_decay: 0.0,
                clip_gradient: None,
                rescale_gradient: 1.0,
            };
            let mut w = vec![Array2::<f32>::zeros((2, 3))];
            let mut opt = Optimizer::new(cfg, &w);
            for _ in 0..2000 {
                let g = vec![w[0].mapv(|v| v - 3.0)];
                opt.step(&mut w, &g);
            }
            assert!(
                w[0].iter().all(|&v| (v - 3.0).abs() < 0.05),
                "{kind:?}: {w:?}"
            );
        }
    }

    #[test]
    fn preprocessing_rescales_clips_and_decays() {
        let cfg = OptimConfig {
            kind: OptimizerKind::Sgd,
            learning_rate: 1.0,
            weight_decay: 0.5,
            clip_gradient: Some(1.0),
            rescale_gradient: 2.0,
        };
        let mut w = vec![ndarray::array![[2.0f32, 2.0]]];
        let mut opt = Optimizer::new(cfg, &w);
        opt.step(&mut w, &[ndarray::array![[10.0f32, 0.25]]]);
        // first: clip(20) = 1, + 0.5·2 = 2 → 2 − 2 = 0; second: 0.5 + 1 = 1.5 → 0.5
        assert_eq!(w[0], ndarray::array![[0.0f32, 0.5]]);
        assert!("RMSProp".parse::<OptimizerKind>().is_ok());
        assert!("lbfgs".parse::<OptimizerKind>().is_err());
    }
}
