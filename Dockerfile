# The SageMaker container: `docker run IMAGE serve` answers /ping and /invocations on port 8080
# with the model SageMaker unpacked into /opt/ml/model; `docker run IMAGE train` trains from
# /opt/ml/input (hyperparameters.json and the train/validation channels) into /opt/ml/model.
FROM rust:1.85-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin blazetext

FROM debian:bookworm-slim
COPY --from=build /src/target/release/blazetext /usr/local/bin/blazetext
EXPOSE 8080
ENTRYPOINT ["blazetext"]
