//! `blazetext serve` end to end: the binary started as a user starts it, spoken to over a TCP
//! socket by a small HTTP/1.1 client written here (independent of the server's HTTP stack),
//! with SageMaker's request bodies; answers compared with the CLI's `predict`, `vectors` and
//! `topics infer`; every bad input of issue 17; limits, variants, reload and shutdown.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// A server process and an HTTP client.

struct Server {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `blazetext serve <args>` on a free loopback port and waits until `/ping` is 200.
    fn start(args: &[&str]) -> Server {
        let server = Server::spawn(args);
        server.wait_ready();
        server
    }

    /// Starts the server without waiting for the models.
    fn spawn(args: &[&str]) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("blazetext"))
            .arg("serve")
            .args(args)
            .args(["--bind", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let shared = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                if let Some(addr) = line.strip_prefix("listening on http://") {
                    let _ = tx.send(addr.parse::<SocketAddr>().unwrap());
                }
                let mut log = shared.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("the server did not start: {}", log.lock().unwrap()));
        Server { child, addr, log }
    }

    fn wait_ready(&self) {
        let start = Instant::now();
        while get(self.addr, "/ping").status != 200 {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "never ready: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn post(&self, path: &str, content_type: &str, body: impl AsRef<[u8]>) -> Reply {
        request(
            self.addr,
            "POST",
            path,
            &[("Content-Type", content_type)],
            body.as_ref(),
        )
    }

    fn post_json(&self, path: &str, body: Value) -> Reply {
        self.post(path, "application/json", body.to_string())
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the process to end and returns its exit code.
    fn wait(mut self) -> Option<i32> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the server did not stop"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Asserts an error answer: its status, its JSON `error_type`, and words of its message.
    fn error(&self, status: u16, error_type: &str, words: &[&str]) -> Value {
        assert_eq!(self.status, status, "{}", self.text());
        let body = self.json();
        assert_eq!(body["error_type"], error_type, "{body}");
        let message = body["error"].as_str().unwrap();
        for word in words {
            assert!(message.contains(word), "{word:?} not in {message:?}");
        }
        body
    }
}

fn get(addr: SocketAddr, path: &str) -> Reply {
    request(addr, "GET", path, &[], b"")
}

/// One request on a new connection (`Connection: close`); the answer read to the end.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    read_reply(&mut stream)
}

fn read_reply(stream: &mut TcpStream) -> Reply {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP answer: {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

// ---------------------------------------------------------------------------------------------
// Models, trained once for every test.

struct Models {
    _dir: tempfile::TempDir,
    classifier: PathBuf,
    classifier_b: PathBuf,
    vectors: PathBuf,
    plain_vectors: PathBuf,
    topics: PathBuf,
}

fn models() -> &'static Models {
    static MODELS: OnceLock<Models> = OnceLock::new();
    MODELS.get_or_init(|| {
        let dir = temp_dir();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let labelled = root.join("corpora/sample-labelled.train");
        let text = root.join("corpora/sample.txt");
        let small = ["--buckets", "20000", "--threads", "1", "--quiet"];
        succeeds(
            train("supervised", &labelled, &dir.path().join("clf"))
                .args(small)
                .args(["--epochs", "20", "--word-ngrams", "2"]),
        );
        succeeds(
            train("supervised", &labelled, &dir.path().join("clf-b"))
                .args(small)
                .args(["--epochs", "2", "--seed", "7"]),
        );
        succeeds(
            train("skipgram", &text, &dir.path().join("vec"))
                .args(small)
                .args(["--epochs", "2", "--subwords", "--vector-dim", "16"]),
        );
        succeeds(
            train("skipgram", &text, &dir.path().join("plain"))
                .args(small)
                .args(["--epochs", "1", "--vector-dim", "8"]),
        );
        let topics = dir.path().join("topics.ntm");
        succeeds(
            blazetext()
                .args(["topics", "train", SAMPLE_DOCS, "-o"])
                .arg(&topics)
                .args(FAST_TOPICS),
        );
        Models {
            classifier: dir.path().join("clf.bin"),
            classifier_b: dir.path().join("clf-b.bin"),
            vectors: dir.path().join("vec.bin"),
            plain_vectors: dir.path().join("plain.bin"),
            topics,
            _dir: dir,
        }
    })
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

// ---------------------------------------------------------------------------------------------
// The container contract and BlazingText's shapes.

#[test]
fn ping_turns_ready_and_info_describes_the_model() {
    let m = models();
    let server = Server::start(&[path(&m.classifier)]);
    let ping = get(server.addr, "/ping");
    assert_eq!((ping.status, ping.body.len()), (200, 0));
    let info = get(server.addr, "/info").json();
    assert_eq!(info["ready"], true);
    assert_eq!(info["models"][0]["name"], "clf");
    assert_eq!(info["models"][0]["model"]["kind"], "classifier");
    assert!(info["models"][0]["model"]["labels"]
        .as_array()
        .unwrap()
        .contains(&json!("__label__music")));
    let params = get(server.addr, "/execution-parameters").json();
    assert_eq!(params["BatchStrategy"], "MULTI_RECORD");
    assert_eq!(params["MaxPayloadInMB"], 6);
}

#[test]
fn classification_answers_equal_the_cli_in_every_format() {
    let m = models();
    let server = Server::start(&[path(&m.classifier)]);
    let texts = [
        "the pianist played a slow sonata",
        "the striker scored a late goal",
    ];
    // BlazingText's real-time request, as in SageMaker's example notebook.
    let reply = server.post_json(
        "/invocations",
        json!({"instances": texts, "configuration": {"k": 2}}),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let answers = reply.json();
    let dir = temp_dir();
    let input = write_lines(dir.path(), "in.txt", &texts);
    let cli = run_ok(&[
        "predict",
        path(&m.classifier),
        path(&input),
        "-k",
        "2",
        "--probabilities",
    ]);
    for (answer, line) in answers.as_array().unwrap().iter().zip(cli.lines()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(answer["label"][0], fields[0]);
        assert_eq!(answer["label"][1], fields[2]);
        let p: f64 = fields[1].parse().unwrap();
        assert!(
            (answer["prob"][0].as_f64().unwrap() - p).abs() < 1e-4,
            "{answer} vs {line}"
        );
    }
    // Batch transform's JSON Lines, with a per-record k and threshold.
    let lines = format!(
        "{}\n{}\n",
        json!({"source": texts[0], "k": 3}),
        json!({"source": texts[1], "threshold": 0.5})
    );
    let reply = server.post("/invocations", "application/jsonlines", lines);
    assert_eq!(reply.header("content-type"), Some("application/jsonlines"));
    let records = json_lines(&reply.text());
    assert_eq!(records[0]["label"].as_array().unwrap().len(), 3);
    assert_eq!(records[0]["label"][0], answers[0]["label"][0]);
    assert!(records[1]["prob"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p.as_f64().unwrap() >= 0.5));
    // One text per line, answered as CSV when asked.
    let reply = request(
        server.addr,
        "POST",
        "/invocations",
        &[("Content-Type", "text/plain"), ("Accept", "text/csv")],
        format!("{}\n{}\n", texts[0], texts[1]).as_bytes(),
    );
    assert_eq!(reply.header("content-type"), Some("text/csv"));
    let rows: Vec<String> = reply.text().lines().map(str::to_string).collect();
    assert_eq!(rows.len(), 2);
    assert!(rows[1].starts_with(answers[1]["label"][0].as_str().unwrap()));
    // blazetext's own route.
    let own = server
        .post_json("/predict", json!({"instances": [texts[0]], "k": 1}))
        .json();
    assert_eq!(own["predictions"][0][0]["label"], answers[0]["label"][0]);
}

#[test]
fn word_vectors_and_queries() {
    let m = models();
    let server = Server::start(&[
        &format!("vec={}", path(&m.vectors)),
        &format!("plain={}", path(&m.plain_vectors)),
    ]);
    let target = |name| {
        [
            ("Content-Type", "application/json"),
            ("X-Amzn-SageMaker-Target-Model", name),
        ]
    };
    let body = json!({"instances": ["guitar", "qqqzzzxx"]}).to_string();
    let answers = request(
        server.addr,
        "POST",
        "/invocations",
        &target("vec"),
        body.as_bytes(),
    )
    .json();
    let dir = temp_dir();
    let words = write(dir.path(), "words.txt", "guitar\n");
    let cli = stdout(
        blazetext()
            .args(["vectors", path(&m.vectors)])
            .pipe_stdin(&words)
            .unwrap(),
    );
    let expected = vector_rows(&cli, true);
    let served: Vec<f32> = serde_json::from_value(answers[0]["vector"].clone()).unwrap();
    assert_eq!(answers[0]["word"], "guitar");
    for (a, b) in served.iter().zip(&expected[0]) {
        assert!((a - b).abs() < 1e-4);
    }
    // An unknown word gets its subword vector, or zeros without subwords (as BlazingText).
    assert!(answers[1]["vector"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x.as_f64() != Some(0.0)));
    let plain = request(
        server.addr,
        "POST",
        "/invocations",
        &target("plain"),
        body.as_bytes(),
    )
    .json();
    assert!(plain[1]["vector"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x.as_f64() == Some(0.0)));
    assert_eq!(plain[1]["vector"].as_array().unwrap().len(), 8);

    let nn = request(
        server.addr,
        "POST",
        "/nn",
        &target("vec"),
        json!({"query": "guitar", "k": 3}).to_string().as_bytes(),
    )
    .json();
    let cli_nn = run_ok(&["nn", path(&m.vectors), "guitar", "-k", "3"]);
    assert_eq!(nn["neighbours"][0]["word"], first_words(&cli_nn)[0]);
    let analogy = json!({"a": "guitar", "b": "guitars", "c": "piano", "k": 2});
    let answers = request(
        server.addr,
        "POST",
        "/analogy",
        &target("vec"),
        analogy.to_string().as_bytes(),
    )
    .json();
    assert_eq!(answers["answers"].as_array().unwrap().len(), 2);
    let pairs = json!({"pairs": [["guitar", "piano"], ["guitar", "guitar"]]});
    let scores = request(
        server.addr,
        "POST",
        "/similarity",
        &target("vec"),
        pairs.to_string().as_bytes(),
    )
    .json();
    assert!((scores["similarities"][1].as_f64().unwrap() - 1.0).abs() < 1e-4);
    // k larger than the vocabulary is clamped, not an allocation.
    let many = request(
        server.addr,
        "POST",
        "/nn",
        &target("plain"),
        json!({"query": "guitar", "k": 1_000_000_000u64})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(many.status, 200);
}

#[test]
fn topic_weights_from_counts_sparse_json_recordio_and_text() {
    let m = models();
    let server = Server::start(&[path(&m.topics)]);
    let info = get(server.addr, "/info").json();
    let width = info["models"][0]["model"]["vocabulary"].as_u64().unwrap() as usize;
    let topics = info["models"][0]["model"]["topics"].as_u64().unwrap() as usize;
    let mut dense = vec![0.0f32; width];
    dense[1] = 2.0;
    dense[3] = 1.0;
    let csv: Vec<String> = dense.iter().map(|x| x.to_string()).collect();
    let from_csv = server
        .post("/invocations", "text/csv", csv.join(",") + "\n")
        .json();
    let weights = from_csv["predictions"][0]["topic_weights"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(weights.len(), topics);
    let sum: f64 = weights.iter().map(|w| w.as_f64().unwrap()).sum();
    assert!((sum - 1.0).abs() < 1e-6);
    // The same document as NTM's dense and sparse JSON.
    let as_dense = server
        .post_json("/invocations", json!({"instances": [{"features": dense}]}))
        .json();
    let sparse = json!({"instances": [{"data": {"features": {"keys": [1, 3], "shape": [width], "values": [2.0, 1.0]}}}]});
    let as_sparse = server.post_json("/invocations", sparse).json();
    assert_eq!(as_dense, from_csv);
    assert_eq!(as_sparse, from_csv);
    // JSON Lines in, JSON Lines out.
    let lines = server.post(
        "/invocations",
        "application/jsonlines",
        format!("{}\n", json!({"features": dense})),
    );
    assert_eq!(
        json_lines(&lines.text())[0]["topic_weights"],
        from_csv["predictions"][0]["topic_weights"]
    );
    // RecordIO-protobuf as SageMaker's serializers write it: one sparse Float32Tensor record.
    let recordio = recordio_record(&[2.0, 1.0], &[1, 3], width as u64);
    let from_recordio = server
        .post("/invocations", "application/x-recordio-protobuf", recordio)
        .json();
    assert_eq!(from_recordio, from_csv);
    // Raw text through the model's pipeline equals `topics infer`.
    let doc = "the band played a loud concert with guitars and drums";
    let from_text = server.post("/invocations", "text/plain", doc).json();
    let dir = temp_dir();
    let input = write(dir.path(), "doc.txt", format!("{doc}\n"));
    let cli =
        stdout(blazetext().args(["topics", "infer", path(&m.topics), path(&input), "--quiet"]));
    let cli_weights: Value = serde_json::from_str(cli.lines().next().unwrap()).unwrap();
    let served = from_text["predictions"][0]["topic_weights"]
        .as_array()
        .unwrap();
    for (a, b) in served.iter().zip(
        cli_weights["predictions"][0]["topic_weights"]
            .as_array()
            .unwrap(),
    ) {
        assert!((a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 1e-9);
    }
    let top = server.post_json("/topics", json!({"top_words": 3})).json();
    assert_eq!(top["topics"].as_array().unwrap().len(), topics);
}

/// One RecordIO-framed protobuf `Record` with a sparse Float32Tensor feature `values`.
fn recordio_record(values: &[f32], keys: &[u64], width: u64) -> Vec<u8> {
    fn varint(out: &mut Vec<u8>, mut v: u64) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }
    fn field(out: &mut Vec<u8>, number: u64, bytes: &[u8]) {
        varint(out, number << 3 | 2);
        varint(out, bytes.len() as u64);
        out.extend_from_slice(bytes);
    }
    let mut tensor = Vec::new();
    field(
        &mut tensor,
        1,
        &values
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<_>>(),
    );
    let mut packed = Vec::new();
    keys.iter().for_each(|&k| varint(&mut packed, k));
    field(&mut tensor, 2, &packed);
    let mut shape = Vec::new();
    varint(&mut shape, width);
    field(&mut tensor, 3, &shape);
    let mut value = Vec::new();
    field(&mut value, 2, &tensor);
    let mut entry = Vec::new();
    field(&mut entry, 1, b"values");
    field(&mut entry, 2, &value);
    let mut record = Vec::new();
    field(&mut record, 1, &entry);
    let mut framed = 0xced7_230au32.to_le_bytes().to_vec();
    framed.extend_from_slice(&(record.len() as u32).to_le_bytes());
    framed.extend_from_slice(&record);
    framed.resize(framed.len().next_multiple_of(4), 0);
    framed
}

// ---------------------------------------------------------------------------------------------
// Bad input: each a clear JSON error with the right status, and the server keeps answering.

#[test]
fn bad_requests_get_clear_errors() {
    let m = models();
    let server = Server::start(&[
        &format!("clf={}", path(&m.classifier)),
        &format!("topics={}", path(&m.topics)),
        "--max-payload-mb",
        "0.05",
    ]);
    let post = |body: &str| server.post("/invocations", "application/json", body);
    post("{\"instances\": [\"a\"").error(400, "InvalidJson", &["not valid JSON"]);
    post("\"{\\\"instances\\\": [\\\"a\\\"]}\"").error(422, "InvalidInstance", &["encoded twice"]);
    post("{\"texts\": [\"a\"]}").error(422, "InvalidInstance", &["instances"]);
    let number = post("{\"instances\": [\"ok\", 42]}").error(422, "InvalidInstance", &["string"]);
    assert_eq!(
        (number["instance"].as_u64(), number["field"].as_str()),
        (Some(1), Some("instances"))
    );
    post("{\"instances\": []}").error(422, "InvalidInstance", &["no instances"]);
    post("{\"instances\": [\"a\"], \"configuration\": {\"k\": \"two\"}}").error(
        422,
        "InvalidParameter",
        &["k must be"],
    );
    server.post("/invocations", "image/png", "x").error(
        415,
        "UnsupportedMediaType",
        &["image/png", "application/json"],
    );
    let unacceptable = request(
        server.addr,
        "POST",
        "/invocations",
        &[
            ("Content-Type", "application/json"),
            ("Accept", "application/xml"),
        ],
        b"{\"instances\": [\"a\"]}",
    );
    unacceptable.error(406, "NotAcceptable", &["application/xml"]);
    server
        .post("/invocations", "application/json", vec![b'x'; 60_000])
        .error(413, "PayloadTooLarge", &["limit"]);
    server
        .post(
            "/invocations",
            "text/plain",
            b"ok\nbad \xff\xfe\n".as_slice(),
        )
        .error(400, "InvalidEncoding", &["UTF-8"]);
    // Topic-model inputs.
    let to_topics = |ct: &str, body: String| {
        request(
            server.addr,
            "POST",
            "/invocations",
            &[
                ("Content-Type", ct),
                ("X-Amzn-SageMaker-Target-Model", "topics"),
            ],
            body.as_bytes(),
        )
    };
    to_topics("text/csv", "1,2,3\n".into()).error(422, "InvalidInstance", &["columns"]);
    to_topics("text/csv", "1,nan,3\n".into()).error(422, "InvalidInstance", &["count"]);
    to_topics("text/csv", "1,x,3\n".into()).error(400, "InvalidCsv", &["column 1"]);
    let past =
        json!({"instances": [{"data": {"features": {"keys": [99999999], "values": [1.0]}}}]});
    to_topics("application/json", past.to_string()).error(
        422,
        "InvalidInstance",
        &["past the vocabulary"],
    );
    to_topics("application/x-recordio-protobuf", "garbage!".into()).error(
        400,
        "InvalidRecordIO",
        &["magic"],
    );
    // Routing.
    let missing = request(
        server.addr,
        "POST",
        "/invocations",
        &[
            ("Content-Type", "application/json"),
            ("X-Amzn-SageMaker-Target-Model", "nope"),
        ],
        b"{\"instances\": [\"a\"]}",
    );
    missing.error(404, "ModelNotFound", &["nope"]);
    get(server.addr, "/nowhere").error(404, "NotFound", &["/invocations"]);
    let wrong_method = get(server.addr, "/invocations");
    wrong_method.error(405, "MethodNotAllowed", &["POST"]);
    assert_eq!(wrong_method.header("allow"), Some("POST"));
    server.post_json("/nn", json!({"query": "x"})).error(
        404,
        "UnsupportedOperation",
        &["classifier"],
    );
    assert_eq!(get(server.addr, "/ping").status, 200);
    assert!(!server.log().contains("internal error"), "{}", server.log());
}

#[test]
fn ten_thousand_instances_are_answered_in_order_and_more_are_refused() {
    let m = models();
    let server = Server::start(&[path(&m.classifier)]);
    let texts: Vec<String> = (0..10_000)
        .map(|i| {
            if i % 2 == 0 {
                "a guitar solo".into()
            } else {
                format!("the striker scored goal {i}")
            }
        })
        .collect();
    let reply = server.post_json("/invocations", json!({"instances": texts}));
    let answers = reply.json();
    let answers = answers.as_array().unwrap();
    assert_eq!(answers.len(), 10_000);
    assert_eq!(answers[0]["label"], answers[9998]["label"]);
    assert_ne!(answers[0]["label"], answers[1]["label"]);
    let too_many: Vec<&str> = vec!["a"; 10_001];
    server
        .post_json("/invocations", json!({"instances": too_many}))
        .error(413, "TooManyInstances", &["10001", "10000"]);
}

#[test]
fn random_bodies_never_break_the_server() {
    let m = models();
    let server = Server::start(&[
        &format!("clf={}", path(&m.classifier)),
        &format!("vec={}", path(&m.vectors)),
        &format!("topics={}", path(&m.topics)),
    ]);
    let mut next = lcg(17);
    let routes = [
        "/invocations",
        "/predict",
        "/vectors",
        "/nn",
        "/analogy",
        "/similarity",
        "/topics",
        "/models",
        "/models/clf/invoke",
    ];
    let types = [
        "application/json",
        "application/jsonlines",
        "text/csv",
        "text/plain",
        "application/x-recordio-protobuf",
        "foo/bar",
    ];
    let pieces: [&[u8]; 12] = [
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"instances\"",
        b":",
        b",",
        b"\"a\"",
        b"1e999",
        b"\n",
        b"\xff",
        b"{\"features\": [1,2]}",
    ];
    for i in 0..300 {
        let mut body = Vec::new();
        for _ in 0..(next() % 12) {
            if next() % 3 == 0 {
                body.push((next() % 256) as u8);
            } else {
                body.extend_from_slice(pieces[(next() % 12) as usize]);
            }
        }
        let route = routes[(next() % routes.len() as u64) as usize];
        let content_type = types[(next() % types.len() as u64) as usize];
        let model = ["clf", "vec", "topics"][i % 3];
        let reply = request(
            server.addr,
            "POST",
            route,
            &[
                ("Content-Type", content_type),
                ("X-Amzn-SageMaker-Target-Model", model),
            ],
            &body,
        );
        assert!(
            reply.status < 500,
            "{route} {content_type} {body:?}: {} {}",
            reply.status,
            reply.text()
        );
    }
    assert_eq!(get(server.addr, "/ping").status, 200);
    assert!(!server.log().contains("internal error"), "{}", server.log());
}

#[test]
fn disconnecting_and_slow_clients_do_not_block_others() {
    let m = models();
    let server = Server::start(&[path(&m.classifier)]);
    // A client that promises a body and goes away.
    let mut gone = TcpStream::connect(server.addr).unwrap();
    gone.write_all(b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"inst")
        .unwrap();
    drop(gone);
    // A client that sends half its headers and waits.
    let mut slow = TcpStream::connect(server.addr).unwrap();
    slow.write_all(b"POST /invocations HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let reply = server.post_json("/invocations", json!({"instances": ["a guitar solo"]}));
    assert_eq!(reply.status, 200);
    assert_eq!(get(server.addr, "/ping").status, 200);
    drop(slow);
}

// ---------------------------------------------------------------------------------------------
// Limits, shutdown, variants, reload, multi-model.

/// Sends the head and half of a body, keeping the request in flight until `finish` is called.
struct Pending {
    stream: TcpStream,
    rest: Vec<u8>,
}

fn pending(addr: SocketAddr, body: &[u8]) -> Pending {
    let mut stream = TcpStream::connect(addr).unwrap();
    let head = format!(
        "POST /invocations HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    let half = body.len() / 2;
    stream.write_all(&body[..half]).unwrap();
    stream.flush().unwrap();
    Pending {
        stream,
        rest: body[half..].to_vec(),
    }
}

impl Pending {
    fn finish(mut self) -> Reply {
        self.stream.write_all(&self.rest).unwrap();
        self.stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        read_reply(&mut self.stream)
    }
}

#[test]
fn the_concurrency_limit_answers_429_at_once() {
    let m = models();
    let server = Server::start(&[path(&m.classifier), "--max-concurrent-requests", "1"]);
    let body = json!({"instances": ["a guitar solo"]}).to_string();
    let held = pending(server.addr, body.as_bytes());
    std::thread::sleep(Duration::from_millis(200));
    let start = Instant::now();
    server
        .post("/invocations", "application/json", &body)
        .error(429, "TooManyRequests", &["retry"]);
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(
        get(server.addr, "/ping").status,
        200,
        "health checks are not limited"
    );
    assert_eq!(held.finish().status, 200);
    let metrics = get(server.addr, "/metrics").text();
    assert!(
        metrics.contains("blazetext_requests_rejected_busy_total 1"),
        "{metrics}"
    );
}

#[test]
fn sigterm_drains_requests_in_flight_and_exits_0() {
    let m = models();
    let server = Server::start(&[path(&m.classifier)]);
    let body = json!({"instances": ["a guitar solo"]}).to_string();
    let held = pending(server.addr, body.as_bytes());
    std::thread::sleep(Duration::from_millis(200));
    server.signal("TERM");
    std::thread::sleep(Duration::from_millis(300));
    // New connections are refused; the request in flight is still answered.
    assert!(TcpStream::connect_timeout(&server.addr, Duration::from_millis(500)).is_err());
    let reply = held.finish();
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(server.wait(), Some(0));
}

#[test]
fn variants_split_traffic_by_weight_and_can_be_forced() {
    let m = models();
    let a = format!("a={}:0.8", path(&m.classifier));
    let b = format!("b={}:0.2", path(&m.classifier_b));
    let server = Server::start(&["--variant", &a, "--variant", &b]);
    let body = json!({"instances": ["a guitar solo"]}).to_string();
    let mut to_a = 0;
    for _ in 0..100 {
        let reply = server.post("/invocations", "application/json", &body);
        if reply.header("x-amzn-invoked-production-variant") == Some("a") {
            to_a += 1;
        }
    }
    assert!((75..=85).contains(&to_a), "{to_a} of 100 went to a");
    let forced = request(
        server.addr,
        "POST",
        "/invocations",
        &[
            ("Content-Type", "application/json"),
            ("X-Amzn-SageMaker-Target-Variant", "b"),
        ],
        body.as_bytes(),
    );
    assert_eq!(
        forced.header("x-amzn-invoked-production-variant"),
        Some("b")
    );
    let metrics = get(server.addr, "/metrics").text();
    assert!(
        metrics.contains("model=\"a\",route=\"invocations\",status=\"200\""),
        "{metrics}"
    );
    assert!(metrics.contains("model=\"b\",route=\"invocations\",status=\"200\""));
}

#[test]
fn sighup_reloads_the_model_without_losing_a_request() {
    let m = models();
    let dir = temp_dir();
    let served = dir.path().join("served.bin");
    std::fs::copy(&m.classifier_b, &served).unwrap();
    let server = Server::start(&[path(&served)]);
    let body = json!({"instances": ["the pianist played a slow sonata"]}).to_string();
    let before = server
        .post("/invocations", "application/json", &body)
        .json();
    // Replace the file as a deployment would (write, then rename), and signal.
    let staged = dir.path().join("staged.bin");
    std::fs::copy(&m.classifier, &staged).unwrap();
    std::fs::rename(&staged, &served).unwrap();
    server.signal("HUP");
    let start = Instant::now();
    let mut after = before.clone();
    while after == before && start.elapsed() < Duration::from_secs(30) {
        let reply = server.post("/invocations", "application/json", &body);
        assert_eq!(
            reply.status,
            200,
            "a request failed during the reload: {}",
            reply.text()
        );
        after = reply.json();
    }
    assert_ne!(
        after,
        before,
        "the reloaded model answers differently: {}",
        server.log()
    );
    assert!(server.log().contains("reloaded"));
}

#[test]
fn models_are_loaded_listed_invoked_and_unloaded_at_run_time() {
    let m = models();
    let server = Server::start(&["--multi-model"]);
    let load = |name: &str, url: &Path| {
        server.post_json("/models", json!({"model_name": name, "url": url}))
    };
    assert_eq!(load("clf", &m.classifier).status, 200);
    load("clf", &m.classifier).error(409, "ModelAlreadyLoaded", &["clf"]);
    let replaced = server.post_json(
        "/models",
        json!({"model_name": "clf", "url": &m.classifier_b, "replace": true}),
    );
    assert_eq!(replaced.status, 200, "{}", replaced.text());
    assert_eq!(
        get(server.addr, "/models/clf").json()["modelUrl"],
        json!(&m.classifier_b)
    );
    load("ghost", Path::new("/nonexistent/model.bin")).error(
        404,
        "ModelFileNotFound",
        &["does not exist"],
    );
    let dir = temp_dir();
    let corrupt = write(
        dir.path(),
        "corrupt.bin",
        b"\xba\x16\x4f\x2f\x0c\x00\x00\x00truncated",
    );
    load("corrupt", &corrupt).error(422, "ModelLoadError", &["corrupt.bin"]);
    server.post_json("/models", json!({"url": "x"})).error(
        422,
        "InvalidModelRequest",
        &["model_name"],
    );
    let listed = get(server.addr, "/models").json();
    assert_eq!(listed["models"].as_array().unwrap().len(), 1);
    assert_eq!(listed["models"][0]["modelName"], "clf");
    let reply = server.post_json(
        "/models/clf/invoke",
        json!({"instances": ["a guitar solo"]}),
    );
    assert_eq!(reply.status, 200);
    let by_header = request(
        server.addr,
        "POST",
        "/invocations",
        &[
            ("Content-Type", "application/json"),
            ("X-Amzn-SageMaker-Target-Model", "clf"),
        ],
        b"{\"instances\": [\"a guitar solo\"]}",
    );
    assert_eq!(by_header.json(), reply.json());
    assert_eq!(
        get(server.addr, "/models/clf").json()["model"]["kind"],
        "classifier"
    );
    assert_eq!(
        request(server.addr, "DELETE", "/models/clf", &[], b"").status,
        200
    );
    get(server.addr, "/models/clf").error(404, "ModelNotFound", &["clf"]);
}

#[test]
fn a_missing_or_corrupt_model_at_start_is_a_clear_error() {
    let dir = temp_dir();
    let corrupt = write(dir.path(), "bad.bin", b"not a model at all");
    let output = Command::new(assert_cmd::cargo::cargo_bin("blazetext"))
        .args(["serve", path(&corrupt), "--bind", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.bin"), "{stderr}");
    fails(
        blazetext().args(["serve", "/nonexistent.bin"]),
        2,
        &["does not exist"],
    );
    fails(
        blazetext().args(["serve", "--variant", "a=m.bin"]),
        2,
        &["NAME=PATH:WEIGHT"],
    );
    fails(
        blazetext().args(["serve", "--multi-model", "--bind", "nonsense"]),
        2,
        &["HOST:PORT"],
    );
}
