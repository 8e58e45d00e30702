//! The embedded decoder (ECRTM, Wu et al. 2023): topics and words are points in one embedding
//! space, and the topic-word matrix is computed from their distances instead of being learned
//! freely.
//!
//! cost     C_kw = ‖t_k − e_w‖²                         (t: topic embeddings, e: word embeddings)
//! topics   β_kw = softmax over k of (−C_kw / τ)         (each word shared among nearby topics)
//! ECR      λ · OT_ε(C): entropic optimal transport of mass 1/K per topic onto 1/V per word
//!
//! Without the transport term, topics drift toward the same few frequent words; with it, every
//! topic must "own" an equal share of the vocabulary, so topics become centres of distinct word
//! clusters (the embedding clustering regulariser). The regulariser's value is the entropic OT
//! objective ⟨π, C⟩ + ε Σ π log π at the Sinkhorn plan π, whose gradient with respect to C is
//! exactly λπ (envelope theorem), so the plan needs no differentiation.

use ndarray::{Array1, Array2, ArrayView2, Axis, Zip};
use serde::{Deserialize, Serialize};

use super::linalg;
use super::ntm::DecoderKind;
use crate::{Error, Result};

/// Sinkhorn stops when the words' marginal is within this L1 distance of uniform (of total
/// mass 1). ECRTM uses 0.005; the gradient λπ is exact only at the converged plan, and with
/// each step starting from the last one's scaling the tighter bound costs few iterations…
const SINKHORN_TOLERANCE: f64 = 1e-4;
/// …or after this many iterations.
const SINKHORN_MAX_ITERATIONS: usize = 2000;

/// Hyperparameters of the embedded decoder; saved with the model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TopicEmbedding {
    /// Dimension of the word and topic embeddings.
    pub dim: usize,
    /// τ in β = softmax(−C/τ): smaller makes each word belong to fewer topics.
    pub temperature: f32,
    /// λ, the weight of the embedding clustering regulariser (0 turns it off).
    pub ecr_weight: f32,
    /// 1/ε of the entropic transport: larger gives harder word-to-topic assignments.
    pub sinkhorn_alpha: f32,
}

impl TopicEmbedding {
    pub fn validate(&self) -> Result<()> {
        if self.dim == 0 {
            return Err(Error::config("--embedding-dim must be at least 1"));
        }
        if !(self.temperature > 0.0 && self.temperature.is_finite()) {
            return Err(Error::config(format!(
                "--temperature {} must be positive",
                self.temperature
            )));
        }
        if !(self.ecr_weight >= 0.0 && self.ecr_weight.is_finite()) {
            return Err(Error::config(format!(
                "--ecr-weight {} must be ≥ 0",
                self.ecr_weight
            )));
        }
        if !(self.sinkhorn_alpha > 0.0 && self.sinkhorn_alpha.is_finite()) {
            return Err(Error::config(format!(
                "--sinkhorn-alpha {} must be positive",
                self.sinkhorn_alpha
            )));
        }
        Ok(())
    }

    /// Squared distances C (topics × words).
    pub fn costs(&self, topics: ArrayView2<f32>, words: ArrayView2<f32>) -> Array2<f32> {
        let topic_norms: Array1<f32> = topics.rows().into_iter().map(|r| r.dot(&r)).collect();
        let word_norms: Array1<f32> = words.rows().into_iter().map(|r| r.dot(&r)).collect();
        let mut c = linalg::dot(topics, words.t());
        Zip::from(c.rows_mut())
            .and(&topic_norms)
            .par_for_each(|mut row, &tn| {
                Zip::from(&mut row)
                    .and(&word_norms)
                    .for_each(|v, &wn| *v = (tn + wn - 2.0 * *v).max(0.0));
            });
        c
    }

    /// β from the costs. Product of experts: for each word, a softmax over topics of −C/τ.
    /// Mixture: the logits −C/τ, whose softmax over words (in the decoder) makes each topic a
    /// kernel around its embedding.
    pub fn beta(&self, costs: &Array2<f32>, decoder: DecoderKind) -> Array2<f32> {
        let mut beta = costs.mapv(|c| -c / self.temperature);
        if decoder == DecoderKind::Mixture {
            return beta;
        }
        linalg::softmax_columns(&mut beta);
        beta
    }

    /// The regulariser λ·OT_ε(C), with Sinkhorn started from `start` when given.
    pub fn clustering_regulariser(
        &self,
        costs: &Array2<f32>,
        start: Option<&Array1<f64>>,
    ) -> Regulariser {
        if self.ecr_weight == 0.0 {
            return Regulariser {
                value: 0.0,
                d_costs: Array2::zeros(costs.raw_dim()),
                column_scaling: None,
            };
        }
        let transport = sinkhorn(costs, self.sinkhorn_alpha as f64, start);
        let lambda = self.ecr_weight as f64;
        Regulariser {
            value: lambda * transport.objective,
            d_costs: transport.plan.mapv(|p| (lambda * p) as f32),
            column_scaling: Some(transport.column_scaling),
        }
    }

    /// Chain rule from the gradient of β (and the regulariser's gradient of C) to the topic
    /// embeddings (the word embeddings are fixed).
    pub fn backward(
        &self,
        topics: ArrayView2<f32>,
        words: ArrayView2<f32>,
        decoder: DecoderKind,
        beta: &Array2<f32>,
        d_beta: &Array2<f32>,
        d_costs_regulariser: &Array2<f32>,
    ) -> Array2<f32> {
        // β = softmax_k(s) (product of experts) or β = s (mixture), with s = −C/τ.
        let tau = self.temperature;
        let mut d_costs = d_beta.mapv(|g| -g / tau);
        if decoder == DecoderKind::ProductOfExperts {
            linalg::softmax_columns_backward(&mut d_costs, beta);
        }
        d_costs += d_costs_regulariser;
        // C_kw = ‖t_k − e_w‖²: dt_k = 2 Σ_w G_kw (t_k − e_w).
        let mut d_topics = linalg::dot(d_costs.view(), words);
        let row_sums = d_costs.sum_axis(Axis(1));
        Zip::from(d_topics.rows_mut())
            .and(topics.rows())
            .and(&row_sums)
            .for_each(|mut d, t, &s| {
                Zip::from(&mut d)
                    .and(&t)
                    .for_each(|dv, &tv| *dv = 2.0 * (tv * s - *dv));
            });
        d_topics
    }
}

/// The embedding clustering regulariser of one step.
pub struct Regulariser {
    /// λ·OT_ε(C).
    pub value: f64,
    /// Its gradient with respect to C: λ times the plan.
    pub d_costs: Array2<f32>,
    /// Sinkhorn's final column scaling (none when the regulariser is off).
    pub column_scaling: Option<Array1<f64>>,
}

/// A Sinkhorn transport plan, its entropic objective ⟨π, C⟩ + ε Σ π log π, and the column
/// scaling v of π = diag(u) K diag(v).
pub struct Transport {
    pub plan: Array2<f64>,
    pub objective: f64,
    pub column_scaling: Array1<f64>,
    /// Sinkhorn iterations taken (the warm-start test compares them).
    #[cfg_attr(not(test), allow(dead_code))]
    pub iterations: usize,
}

/// Entropic optimal transport (Sinkhorn–Knopp) of uniform mass over the rows of `costs` onto
/// uniform mass over its columns, with entropy weight ε = 1/`alpha`. The Gibbs kernel is shifted
/// by each row's smallest cost m_k (absorbed into the row scaling), so it never underflows to a
/// row of zeros. `start` is a column scaling to begin from (any positive vector; a previous
/// solution for nearby costs converges fastest); without it, ones.
pub fn sinkhorn(costs: &Array2<f32>, alpha: f64, start: Option<&Array1<f64>>) -> Transport {
    let (k, v) = costs.dim();
    let (row_mass, col_mass) = (1.0 / k as f64, 1.0 / v as f64);
    let row_min: Array1<f64> = costs
        .rows()
        .into_iter()
        .map(|c| c.fold(f32::INFINITY, |m, &x| m.min(x)) as f64)
        .collect();
    let mut kernel = Array2::<f64>::zeros((k, v));
    Zip::from(kernel.rows_mut())
        .and(costs.rows())
        .and(&row_min)
        .par_for_each(|mut g, c, &min| {
            Zip::from(&mut g)
                .and(&c)
                .for_each(|gv, &cv| *gv = (-(cv as f64 - min) * alpha).exp());
        });
    // Alternate the two scalings; after each row update the rows carry exactly 1/K, so the
    // columns' drift from 1/V (free: Kᵀu is needed for the next column update anyway) says when
    // to stop.
    let mut col_v = match start {
        Some(s) if s.len() == v => s.clone(),
        _ => Array1::<f64>::ones(v),
    };
    let mut u = Array1::<f64>::zeros(k);
    let mut iterations = 0;
    while iterations < SINKHORN_MAX_ITERATIONS {
        iterations += 1;
        u = kernel
            .dot(&col_v)
            .mapv(|s| row_mass / s.max(f64::MIN_POSITIVE));
        let kt_u = linalg::transposed_dot(&kernel, &u);
        let err: f64 = kt_u
            .iter()
            .zip(&col_v)
            .map(|(&s, &cv)| (s * cv - col_mass).abs())
            .sum();
        if err < SINKHORN_TOLERANCE {
            break;
        }
        col_v = kt_u.mapv(|s| col_mass / s.max(f64::MIN_POSITIVE));
    }
    Zip::from(kernel.rows_mut())
        .and(&u)
        .par_for_each(|mut row, &uk| {
            Zip::from(&mut row)
                .and(&col_v)
                .for_each(|p, &cv| *p *= uk * cv);
        });
    let plan = kernel;
    // π_kw = u_k exp(−α(C_kw − m_k)) v_w, so C_kw + ε log π_kw = m_k + ε (log u_k + log v_w):
    // the objective needs only the plan's marginals, not a logarithm per entry.
    let eps = 1.0 / alpha;
    let row_part: f64 = Zip::from(plan.rows())
        .and(&u)
        .and(&row_min)
        .fold(0.0, |acc, row, &uk, &min| {
            acc + row.sum() * (min + eps * uk.ln())
        });
    let col_part: f64 = Zip::from(&plan.sum_axis(Axis(0)))
        .and(&col_v)
        .fold(0.0, |acc, &mass, &cv| acc + mass * eps * cv.ln());
    Transport {
        plan,
        objective: row_part + col_part,
        column_scaling: col_v,
        iterations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn settings(ecr_weight: f32) -> TopicEmbedding {
        TopicEmbedding {
            dim: 2,
            temperature: 0.5,
            ecr_weight,
            sinkhorn_alpha: 10.0,
        }
    }

    #[test]
    fn costs_and_beta_match_hand_computation() {
        let topics = array![[0.0f32, 0.0], [1.0, 1.0]];
        let words = array![[1.0f32, 0.0], [1.0, 1.0], [0.0, 0.0]];
        let e = settings(1.0);
        let c = e.costs(topics.view(), words.view());
        assert_eq!(c, array![[1.0f32, 2.0, 0.0], [1.0, 0.0, 2.0]]);
        // Product of experts: each word's column is a softmax over topics of −C/τ.
        let b = e.beta(&c, DecoderKind::ProductOfExperts);
        assert!((b[[0, 0]] - 0.5).abs() < 1e-6);
        let expected = 1.0 / (1.0 + (-4.0f32).exp()); // e^0 / (e^0 + e^−4) for word 2
        assert!((b[[1, 1]] - expected).abs() < 1e-6 && (b[[0, 2]] - expected).abs() < 1e-6);
        // Mixture: the logits themselves.
        assert_eq!(e.beta(&c, DecoderKind::Mixture), c.mapv(|v| -v / 0.5));
    }

    #[test]
    fn sinkhorn_from_a_nearby_solution_agrees_in_fewer_iterations() {
        let mut rng = linalg::rng(3);
        let costs = Array2::from_shape_simple_fn((6, 300), || 2.0 * linalg::normal(&mut rng).abs());
        let nearby = costs.mapv(|c| c + 0.01 * linalg::normal(&mut rng));
        let first = sinkhorn(&costs, 20.0, None);
        let cold = sinkhorn(&nearby, 20.0, None);
        let warm = sinkhorn(&nearby, 20.0, Some(&first.column_scaling));
        assert!(
            warm.iterations < cold.iterations,
            "{} vs {}",
            warm.iterations,
            cold.iterations
        );
        for t in [&cold, &warm] {
            let cols = t.plan.sum_axis(Axis(0));
            let err: f64 = cols.iter().map(|c| (c - 1.0 / 300.0).abs()).sum();
            assert!(err < SINKHORN_TOLERANCE);
        }
        let gap: f64 = cold
            .plan
            .iter()
            .zip(&warm.plan)
            .map(|(a, b)| (a - b).abs())
            .sum();
        assert!(gap < 20.0 * SINKHORN_TOLERANCE, "plans differ by {gap}");
        assert!((cold.objective - warm.objective).abs() < 1e-2 * cold.objective.abs());
    }

    #[test]
    fn sinkhorn_plan_has_uniform_marginals_and_prefers_cheap_pairs() {
        let costs = array![[0.0f32, 1.0, 1.0, 0.1], [1.0, 0.0, 0.1, 1.0]];
        let transport = sinkhorn(&costs, 20.0, None);
        let plan = &transport.plan;
        for row in plan.rows() {
            assert!((row.sum() - 0.5).abs() < 1e-9, "rows carry 1/K");
        }
        for col in plan.columns() {
            assert!(
                (col.sum() - 0.25).abs() < SINKHORN_TOLERANCE,
                "columns get 1/V"
            );
        }
        assert!(plan[[0, 0]] > 0.24 && plan[[1, 0]] < 0.01);
        // The objective from the scalings equals ⟨π, C⟩ + ε Σ π log π summed entry by entry.
        let direct: f64 = plan
            .iter()
            .zip(&costs)
            .map(|(&p, &c)| p * (c as f64 + p.ln() / 20.0))
            .sum();
        assert!((transport.objective - direct).abs() < 1e-12);
        // Off: no transport, no gradient.
        let off = settings(0.0).clustering_regulariser(&costs, None);
        assert_eq!(off.value, 0.0);
        assert!(off.d_costs.iter().all(|&g| g == 0.0) && off.column_scaling.is_none());
        // On: the gradient of the costs is λ times the plan.
        let grad = settings(3.0).clustering_regulariser(&costs, None).d_costs;
        let expected = sinkhorn(&costs, 10.0, None).plan.mapv(|p| (3.0 * p) as f32);
        assert!(grad
            .iter()
            .zip(&expected)
            .all(|(a, b)| (a - b).abs() < 1e-6));
    }
}
