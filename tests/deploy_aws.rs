//! The AWS deployment artefacts, checked without AWS: both CloudFormation templates pass
//! `cfn-lint` (informational checks included), and the properties the security and
//! operations promises rest on are asserted on the parsed templates: the phiscrub KMS key
//! lets only the task (or Lambda) role GenerateDataKey and only the reveal role Decrypt,
//! both only under `app=phiscrub`; the task role writes only its sinks; the failed-record
//! buckets are private, SSE-KMS and TLS-only; Firehose reaches the ALB on 443 and the ALB
//! checks `/ready`. The ECS task definitions are checked for what Fargate and phiscrub
//! need, and against the service template, and the Dockerfile against scripts/bootstrap.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use common::tool;
use serde_json::{Value, json};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const SERVICE: &str = "deploy/cloudformation/phiscrub-service.yaml";
const TRANSFORM: &str = "deploy/cloudformation/phiscrub-transform.yaml";

/// A template parsed by cfn-lint's own loader (short-form intrinsics such as `!Sub`
/// become `{"Fn::Sub": …}`), as JSON; parsed once per test process.
fn template(path: &str) -> Value {
    static PARSED: Mutex<BTreeMap<String, Value>> = Mutex::new(BTreeMap::new());
    let mut parsed = PARSED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    parsed
        .entry(path.to_owned())
        .or_insert_with(|| parse_template(path))
        .clone()
}

fn parse_template(path: &str) -> Value {
    let python = tool("cfn-lint").with_file_name("python");
    let out = Command::new(python)
        .args([
            "-c",
            "import json, sys, cfnlint.decode\n\
             t, errors = cfnlint.decode.decode(sys.argv[1])\n\
             assert not errors, errors\n\
             print(json.dumps(t))",
        ])
        .arg(repo(path))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cannot parse {path}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn resource<'a>(t: &'a Value, name: &str) -> &'a Value {
    let r = &t["Resources"][name];
    assert!(r.is_object(), "no resource {name}");
    r
}

fn props<'a>(t: &'a Value, name: &str) -> &'a Value {
    &resource(t, name)["Properties"]
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

/// `*`-glob match, as IAM matches actions (case-insensitively).
fn glob(pattern: &str, text: &str) -> bool {
    let (pattern, text) = (pattern.to_ascii_lowercase(), text.to_ascii_lowercase());
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text.as_str();
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(at) = rest.find(part) else {
                return false;
            };
            rest = &rest[at + part.len()..];
        }
    }
    true
}

const KMS_CRYPTO: &[&str] = &[
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GenerateDataKeyPair",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
];

/// The cryptographic KMS operations a statement's actions allow.
fn crypto_ops(statement: &Value) -> BTreeSet<&'static str> {
    let actions = strings(&statement["Action"]);
    KMS_CRYPTO
        .iter()
        .copied()
        .filter(|op| actions.iter().any(|a| glob(a, op)))
        .collect()
}

fn assert_key_policy_binds_phiscrub_context(t: &Value, writer_role: &str) {
    let key = props(t, "PhiscrubKey");
    assert_eq!(key["EnableKeyRotation"], true);
    let statements = key["KeyPolicy"]["Statement"].as_array().unwrap();
    let mut granted = Vec::new();
    for s in statements {
        assert_eq!(s["Effect"], "Allow");
        let ops = crypto_ops(s);
        if ops.is_empty() {
            continue;
        }
        let principal = s["Principal"]["AWS"]["Fn::GetAtt"][0]
            .as_str()
            .unwrap_or_else(|| panic!("crypto operations granted to a non-role principal: {s}"));
        assert_eq!(
            s["Condition"]["StringEquals"]["kms:EncryptionContext:app"], "phiscrub",
            "{principal} may use the key without phiscrub's encryption context"
        );
        assert_eq!(
            s["Condition"]["ForAllValues:StringEquals"]["kms:EncryptionContextKeys"],
            json!(["app", "log_group"])
        );
        granted.push((principal.to_owned(), ops));
    }
    assert_eq!(
        granted,
        vec![
            (
                writer_role.to_owned(),
                BTreeSet::from(["kms:GenerateDataKey"])
            ),
            ("RevealRole".to_owned(), BTreeSet::from(["kms:Decrypt"])),
        ],
        "only the writer may GenerateDataKey and only the reveal role may Decrypt"
    );
    // No IAM policy in the template adds to that: the key policy is the only grant.
    for (name, r) in t["Resources"].as_object().unwrap() {
        if r["Type"] == "AWS::IAM::Role" {
            let text = r["Properties"]["Policies"].to_string();
            assert!(
                !text.contains("PhiscrubKey"),
                "{name} gets the phiscrub key through IAM"
            );
        }
    }
}

fn assert_failed_records_bucket_is_locked_down(t: &Value) {
    let bucket = resource(t, "FailedRecordsBucket");
    assert_eq!(bucket["DeletionPolicy"], "Retain");
    let p = &bucket["Properties"];
    let sse = &p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"];
    assert_eq!(sse["SSEAlgorithm"], "aws:kms");
    assert_eq!(
        sse["KMSMasterKeyID"],
        json!({"Fn::GetAtt": ["FailedRecordsKey", "Arn"]})
    );
    for block in [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(p["PublicAccessBlockConfiguration"][block], true, "{block}");
    }
    let policy = props(t, "FailedRecordsBucketPolicy");
    assert_eq!(policy["Bucket"], json!({"Ref": "FailedRecordsBucket"}));
    let tls_only = policy["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Condition"]["Bool"]["aws:SecureTransport"] == "false")
        .expect("no TLS-only statement");
    assert_eq!(tls_only["Effect"], "Deny");
    assert_eq!(tls_only["Principal"], "*");
    assert_eq!(tls_only["Action"], "s3:*");
    assert_eq!(
        tls_only["Resource"],
        json!([
            {"Fn::GetAtt": ["FailedRecordsBucket", "Arn"]},
            {"Fn::Sub": "${FailedRecordsBucket.Arn}/*"}
        ])
    );
}

fn assert_no_admin_wildcards(t: &Value) {
    for (name, r) in t["Resources"].as_object().unwrap() {
        if r["Type"] != "AWS::IAM::Role" {
            continue;
        }
        let text = r["Properties"]["Policies"].to_string();
        for forbidden in [r#""Action":"*""#, r#""kms:*""#, r#""s3:*""#, r#""iam:"#] {
            assert!(!text.contains(forbidden), "{name} allows {forbidden}");
        }
        assert!(
            r["Properties"]["ManagedPolicyArns"].is_null(),
            "{name} uses managed policies; keep every grant visible here"
        );
    }
}

#[test]
fn cloudformation_templates_pass_cfn_lint() {
    let out = Command::new(tool("cfn-lint"))
        .args(["--include-checks", "I", "--"])
        .arg(repo(SERVICE))
        .arg(repo(TRANSFORM))
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "cfn-lint ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn service_key_policy_lets_only_the_task_role_generate_and_the_reveal_role_decrypt() {
    assert_key_policy_binds_phiscrub_context(&template(SERVICE), "TaskRole");
}

#[test]
fn transform_key_policy_lets_only_the_function_generate_and_the_reveal_role_decrypt() {
    assert_key_policy_binds_phiscrub_context(&template(TRANSFORM), "FunctionRole");
}

#[test]
fn glob_matches_iam_action_wildcards() {
    assert!(glob("kms:*", "kms:Decrypt"));
    assert!(glob("kms:GenerateDataKey*", "kms:GenerateDataKeyPair"));
    assert!(glob("*", "kms:Encrypt"));
    assert!(glob("KMS:decrypt", "kms:Decrypt"));
    assert!(!glob("kms:Get*", "kms:GenerateDataKey"));
    assert!(!glob("kms:Describe*", "kms:Decrypt"));
}

#[test]
fn task_role_writes_only_the_sinks_it_is_given() {
    let t = template(SERVICE);
    let role = props(&t, "TaskRole");
    // Only the optional forward stream, only when set, and only Put on exactly it.
    let policies = &role["Policies"]["Fn::If"];
    assert_eq!(policies[0], "HasForwardStream");
    assert_eq!(policies[2], json!({"Ref": "AWS::NoValue"}));
    let statements = policies[1][0]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    assert_eq!(statements.len(), 1);
    assert_eq!(
        statements[0]["Action"],
        json!(["firehose:PutRecord", "firehose:PutRecordBatch"])
    );
    assert_eq!(
        statements[0]["Resource"],
        json!({"Ref": "ForwardDeliveryStreamArn"})
    );
    // Assumable by ECS tasks of this account only.
    let trust = &role["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(trust["Principal"]["Service"], "ecs-tasks.amazonaws.com");
    assert_eq!(
        trust["Condition"]["StringEquals"]["aws:SourceAccount"],
        json!({"Ref": "AWS::AccountId"})
    );
    // The reveal role needs MFA.
    let reveal = &props(&t, "RevealRole")["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(
        reveal["Condition"]["Bool"]["aws:MultiFactorAuthPresent"],
        "true"
    );
    assert_no_admin_wildcards(&t);
    assert_no_admin_wildcards(&template(TRANSFORM));
}

#[test]
fn failed_record_buckets_are_private_sse_kms_and_tls_only() {
    assert_failed_records_bucket_is_locked_down(&template(SERVICE));
    assert_failed_records_bucket_is_locked_down(&template(TRANSFORM));
}

#[test]
fn service_stack_sends_subscribed_logs_through_firehose_to_the_alb_on_443() {
    let t = template(SERVICE);
    for filter in [
        "SubscriptionFilter1",
        "SubscriptionFilter2",
        "SubscriptionFilter3",
    ] {
        let p = props(&t, filter);
        assert_eq!(
            p["DestinationArn"],
            json!({"Fn::GetAtt": ["DeliveryStream", "Arn"]})
        );
        assert_eq!(
            p["RoleArn"],
            json!({"Fn::GetAtt": ["SubscriptionRole", "Arn"]})
        );
        assert!(
            p["LogGroupName"]["Ref"]
                .as_str()
                .unwrap()
                .starts_with("LogGroupName")
        );
    }
    let http = &props(&t, "DeliveryStream")["HttpEndpointDestinationConfiguration"];
    assert_eq!(
        http["EndpointConfiguration"]["Url"],
        json!({"Fn::Sub": "https://${EndpointDomainName}/firehose"})
    );
    assert_eq!(http["SecretsManagerConfiguration"]["Enabled"], true);
    assert_eq!(
        http["SecretsManagerConfiguration"]["SecretARN"],
        json!({"Ref": "FirehoseAccessKeySecret"})
    );
    assert_eq!(
        props(&t, "FirehoseAccessKeySecret")["GenerateSecretString"]["GenerateStringKey"],
        "api_key"
    );
    assert_eq!(http["RequestConfiguration"]["ContentEncoding"], "GZIP");
    assert_eq!(http["S3BackupMode"], "FailedDataOnly");
    assert_eq!(
        http["S3Configuration"]["BucketARN"],
        json!({"Fn::GetAtt": ["FailedRecordsBucket", "Arn"]})
    );
    // phiscrub's default body limit (64 MiB) must hold a whole Firehose request.
    assert!(http["BufferingHints"]["SizeInMBs"].as_u64().unwrap() <= 64);

    let listener = props(&t, "HttpsListener");
    assert_eq!(listener["Port"], 443);
    assert_eq!(listener["Protocol"], "HTTPS");
    assert_eq!(
        listener["Certificates"][0]["CertificateArn"],
        json!({"Ref": "CertificateArn"})
    );
    let route = props(&t, "FirehoseRoute");
    assert_eq!(
        route["Conditions"][0]["PathPatternConfig"]["Values"],
        json!(["/firehose"])
    );
    assert_eq!(
        route["Actions"][0]["TargetGroupArn"],
        json!({"Ref": "TargetGroup"})
    );
    let tg = props(&t, "TargetGroup");
    assert_eq!(tg["TargetType"], "ip");
    assert_eq!(tg["Port"], 8080);
    assert_eq!(tg["HealthCheckPath"], "/ready");
    assert_eq!(tg["HealthCheckPort"], "9090");
    // Firehose gives the endpoint 3 minutes; the ALB must not cut it off sooner.
    let idle = props(&t, "LoadBalancer")["LoadBalancerAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Key"] == "idle_timeout.timeout_seconds")
        .unwrap()["Value"]
        .as_str()
        .unwrap()
        .parse::<u32>()
        .unwrap();
    assert!(idle >= 180, "idle timeout {idle}");
}

#[test]
fn service_stack_runs_fargate_tasks_that_autoscale_on_cpu_and_requests() {
    let t = template(SERVICE);
    let service = props(&t, "Service");
    assert_eq!(service["LaunchType"], "FARGATE");
    assert_eq!(
        service["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"],
        "DISABLED"
    );
    assert_eq!(service["LoadBalancers"][0]["ContainerPort"], 8080);
    let task = props(&t, "TaskDefinition");
    assert_eq!(task["NetworkMode"], "awsvpc");
    assert_eq!(task["RequiresCompatibilities"], json!(["FARGATE"]));
    assert_eq!(
        task["TaskRoleArn"],
        json!({"Fn::GetAtt": ["TaskRole", "Arn"]})
    );
    let container = &task["ContainerDefinitions"][0];
    assert_eq!(
        container["HealthCheck"]["Command"],
        json!(["CMD", "curl", "-fsS", "http://127.0.0.1:9090/live"])
    );
    assert_eq!(container["LogConfiguration"]["LogDriver"], "awslogs");
    assert_eq!(container["User"], "10001");

    let mut metrics = BTreeSet::new();
    for (_, r) in t["Resources"].as_object().unwrap() {
        if r["Type"] == "AWS::ApplicationAutoScaling::ScalingPolicy" {
            assert_eq!(r["Properties"]["PolicyType"], "TargetTrackingScaling");
            assert_eq!(
                r["Properties"]["ScalingTargetId"],
                json!({"Ref": "ScalableTarget"})
            );
            metrics.insert(
                r["Properties"]["TargetTrackingScalingPolicyConfiguration"]
                    ["PredefinedMetricSpecification"]["PredefinedMetricType"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
    }
    assert_eq!(
        metrics,
        BTreeSet::from([
            "ALBRequestCountPerTarget".to_owned(),
            "ECSServiceAverageCPUUtilization".to_owned()
        ])
    );
}

#[test]
fn transform_stack_runs_phiscrub_as_the_firehose_processor_for_splunk() {
    let t = template(TRANSFORM);
    let function = props(&t, "Function");
    assert_eq!(function["Runtime"], "provided.al2023");
    assert_eq!(function["Handler"], "bootstrap");
    assert!(function["Timeout"].as_u64().unwrap() <= 300);
    let splunk = &props(&t, "DeliveryStream")["SplunkDestinationConfiguration"];
    assert_eq!(splunk["SecretsManagerConfiguration"]["Enabled"], true);
    assert_eq!(splunk["S3BackupMode"], "FailedEventsOnly");
    assert_eq!(
        splunk["S3Configuration"]["BucketARN"],
        json!({"Fn::GetAtt": ["FailedRecordsBucket", "Arn"]})
    );
    let processing = &splunk["ProcessingConfiguration"];
    assert_eq!(processing["Enabled"], true);
    let processor = &processing["Processors"][0];
    assert_eq!(processor["Type"], "Lambda");
    let arn = processor["Parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["ParameterName"] == "LambdaArn")
        .unwrap();
    assert_eq!(
        arn["ParameterValue"],
        json!({"Fn::GetAtt": ["Function", "Arn"]})
    );
    // Firehose may invoke exactly this function and nothing else.
    let firehose_policy = props(&t, "FirehoseRole")["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == "InvokeTransform")
        .unwrap()
        .clone();
    assert_eq!(
        firehose_policy["Resource"][0],
        json!({"Fn::GetAtt": ["Function", "Arn"]})
    );
}

// ------------------------------------------------------------------------ ECS

const ECS_SERVICE: &str = "deploy/ecs/service-task-definition.json";
const ECS_SIDECAR: &str = "deploy/ecs/sidecar-task-definition.json";

fn task_definition(path: &str) -> Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn container<'a>(td: &'a Value, name: &str) -> &'a Value {
    td["containerDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no container {name}"))
}

fn env<'a>(container: &'a Value, name: &str) -> Option<&'a str> {
    container["environment"]
        .as_array()?
        .iter()
        .find(|e| e["name"] == name)
        .and_then(|e| e["value"].as_str())
}

fn assert_fargate_task_with_a_healthy_phiscrub(td: &Value) {
    assert_eq!(td["requiresCompatibilities"], json!(["FARGATE"]));
    assert_eq!(td["networkMode"], "awsvpc");
    for field in ["family", "cpu", "memory", "executionRoleArn", "taskRoleArn"] {
        assert!(td[field].is_string(), "{field} missing");
    }
    let c = container(td, "phiscrub");
    assert_eq!(c["essential"], true);
    assert!(c["image"].is_string());
    assert_ne!(c["user"], "0", "phiscrub must not run as root");
    assert!(c["user"].is_string());
    assert_eq!(
        c["healthCheck"]["command"],
        json!(["CMD", "curl", "-fsS", "http://127.0.0.1:9090/live"])
    );
    assert!(c["logConfiguration"]["logDriver"].is_string());
    assert_eq!(
        env(c, "PHISCRUB__STATE_DIR"),
        Some("/var/lib/phiscrub/state")
    );
    assert_eq!(
        c["mountPoints"][0]["containerPath"], "/var/lib/phiscrub/state",
        "the queue lives on the task's volume"
    );
    // The task's stop timeout must cover phiscrub's grace period, or the queue cannot drain.
    let grace: u64 = env(c, "PHISCRUB__SERVER__GRACE_PERIOD_SECS")
        .unwrap()
        .parse()
        .unwrap();
    let stop = c["stopTimeout"].as_u64().unwrap();
    assert!(stop <= 120, "Fargate allows at most 120 s");
    assert!(
        grace < stop,
        "grace {grace} s does not fit in stopTimeout {stop} s"
    );
}

/// The `${NAME}` placeholders in a task definition.
fn placeholders(text: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r"\$\{([A-Z0-9_]+)\}").unwrap();
    re.captures_iter(text)
        .map(|c| c.get(1).unwrap().as_str().to_owned())
        .collect()
}

#[test]
fn ecs_service_task_definition_has_what_fargate_and_the_alb_need() {
    let td = task_definition(ECS_SERVICE);
    assert_fargate_task_with_a_healthy_phiscrub(&td);
    let c = container(&td, "phiscrub");
    let ports: Vec<u64> = c["portMappings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["containerPort"].as_u64().unwrap())
        .collect();
    assert_eq!(ports, [8080, 9090]);
    assert_eq!(env(c, "PHISCRUB__SERVER__LISTEN"), Some("0.0.0.0:8080"));
    assert_eq!(env(c, "PHISCRUB__ADMIN__LISTEN"), Some("0.0.0.0:9090"));
    assert_eq!(env(c, "PHISCRUB__KEYS__PROVIDER"), Some("aws-kms"));
    let secrets: Vec<&str> = c["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(secrets.contains(&"PHISCRUB_FIREHOSE_ACCESS_KEY"));
}

#[test]
fn ecs_sidecar_task_definition_routes_app_logs_through_firelens_to_phiscrub() {
    let td = task_definition(ECS_SIDECAR);
    assert_fargate_task_with_a_healthy_phiscrub(&td);
    let router = container(&td, "log_router");
    assert_eq!(router["firelensConfiguration"]["type"], "fluentbit");
    let phiscrub = container(&td, "phiscrub");
    let listen = env(phiscrub, "PHISCRUB__SERVER__LISTEN").unwrap();
    assert!(
        listen.starts_with("127.0.0.1:"),
        "the sidecar's ingest must stay inside the task"
    );
    let app = container(&td, "app");
    let log = &app["logConfiguration"];
    assert_eq!(log["logDriver"], "awsfirelens");
    let options = &log["options"];
    assert_eq!(options["Name"], "http");
    assert_eq!(options["Host"], "127.0.0.1");
    assert_eq!(
        format!("127.0.0.1:{}", options["Port"].as_str().unwrap()),
        listen
    );
    assert_eq!(options["URI"], "/v1/logs");
    assert_eq!(
        options["URI"].as_str(),
        env(phiscrub, "PHISCRUB__SOURCES__HTTP_LOGS__PATH")
    );
    assert_eq!(options["Format"], "json_lines");
    // The app starts only once phiscrub answers, so no early line goes unscrubbed or lost.
    assert!(
        app["dependsOn"]
            .as_array()
            .unwrap()
            .contains(&json!({"containerName": "phiscrub", "condition": "HEALTHY"}))
    );
    // phiscrub's own logs never loop back through FireLens.
    assert_ne!(phiscrub["logConfiguration"]["logDriver"], "awsfirelens");
}

#[test]
fn ecs_placeholders_are_all_documented() {
    let readme = read("deploy/ecs/README.md");
    for path in [ECS_SERVICE, ECS_SIDECAR] {
        for name in placeholders(&read(path)) {
            assert!(
                readme.contains(&format!("`${{{name}}}`")),
                "{path} uses ${{{name}}}, which deploy/ecs/README.md does not explain"
            );
        }
    }
}

#[test]
fn ecs_service_task_definition_matches_the_cloudformation_one() {
    let td = task_definition(ECS_SERVICE);
    let json_env: BTreeSet<String> = container(&td, "phiscrub")["environment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect();
    let t = template(SERVICE);
    let cfn_container = &props(&t, "TaskDefinition")["ContainerDefinitions"][0];
    let cfn_env: BTreeSet<String> = cfn_container["Environment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(json_env, cfn_env);
    let json_secrets: Vec<&str> = container(&td, "phiscrub")["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    let cfn_secrets: Vec<&str> = cfn_container["Secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Name"].as_str().unwrap())
        .collect();
    assert_eq!(json_secrets, cfn_secrets);
}

// ------------------------------------------------------------------------ Dockerfile

#[test]
fn dockerfile_runs_non_root_with_a_live_healthcheck_and_bootstraps_packages() {
    let dockerfile = read("Dockerfile");
    let bootstrap = read("scripts/bootstrap");
    assert!(dockerfile.contains("\nUSER phiscrub\n"));
    assert!(
        dockerfile.contains("useradd --system --uid 10001"),
        "the ECS task definitions run as uid 10001"
    );
    assert!(dockerfile.contains("http://127.0.0.1:9090/live"));
    assert!(dockerfile.contains("\nHEALTHCHECK "));
    assert!(dockerfile.contains("\nEXPOSE 8080 9090\n"));
    // Same libhs packages as scripts/bootstrap installs for the build.
    for pkg in ["libhyperscan-dev", "libvectorscan-dev", "pkg-config"] {
        assert!(bootstrap.contains(pkg), "bootstrap lost {pkg}");
        assert!(dockerfile.contains(pkg), "Dockerfile lacks {pkg}");
    }
    // The Lambda variant ships the same binary as `bootstrap`.
    assert!(dockerfile.contains("AS lambda-zip"));
    assert!(dockerfile.contains("--no-default-features"));
    assert!(dockerfile.contains("install -m 0755 target/release/phiscrub /bootstrap"));
    // Local state (queues, quarantine, the local key file) never goes into an image.
    let dockerignore = read(".dockerignore");
    let ignored: Vec<&str> = dockerignore.lines().map(str::trim).collect();
    for path in ["target", ".git", ".tools", "phiscrub-state"] {
        assert!(ignored.contains(&path), ".dockerignore lacks {path}");
    }
}

#[test]
fn the_binary_started_as_bootstrap_runs_the_lambda_runtime() {
    // The Lambda zip holds the binary as `bootstrap`, which Lambda executes without
    // arguments. Outside Lambda the runtime refuses to start for want of its API address,
    // which shows the `lambda` command (and not clap's usage error) ran.
    let dir = tempfile::tempdir().unwrap();
    let bootstrap = dir.path().join("bootstrap");
    std::fs::copy(common::phiscrub_bin(), &bootstrap).unwrap();
    let out = Command::new(&bootstrap)
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(64), "{stderr}");
    assert!(
        stderr.contains("AWS_LAMBDA_RUNTIME_API is not set"),
        "{stderr}"
    );
    // With arguments, `bootstrap` is the ordinary command line.
    let out = Command::new(&bootstrap).arg("--version").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("phiscrub "));
}

/// Sample values for the deployment-specific parts of the task environments.
fn sample(name: &str) -> &'static str {
    match name {
        "KMS_KEY_ARN" | "PHISCRUB__KEYS__KEY_ID" => {
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        }
        "SPLUNK_HEC_ENDPOINT" | "PHISCRUB__SINKS__OUT__ENDPOINT" => {
            "https://splunk.example.com:8088"
        }
        other => panic!("no sample value for {other}"),
    }
}

/// Runs `phiscrub check-config` with exactly `env` (plus dummy values for the secrets ECS
/// injects) and returns the effective config it prints.
fn check_config_with(what: &str, env: &[(String, String)], secrets: &[String]) -> String {
    let cwd = tempfile::tempdir().unwrap();
    let mut command = Command::new(common::phiscrub_bin());
    command
        .arg("check-config")
        .env_clear()
        .current_dir(cwd.path());
    for (name, value) in env {
        command.env(name, value);
    }
    for secret in secrets {
        command.env(secret, "synthetic-secret-value");
    }
    let out = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{what}: phiscrub rejects the environment the deployment gives it:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn json_task_env(path: &str) -> (Vec<(String, String)>, Vec<String>) {
    let td = task_definition(path);
    let c = container(&td, "phiscrub");
    let placeholder = regex::Regex::new(r"\$\{([A-Z0-9_]+)\}").unwrap();
    let env = c["environment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let value = e["value"].as_str().unwrap();
            let value = placeholder.replace_all(value, |caps: &regex::Captures<'_>| {
                sample(caps.get(1).unwrap().as_str()).to_owned()
            });
            (e["name"].as_str().unwrap().to_owned(), value.into_owned())
        })
        .collect();
    let secrets = c["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect();
    (env, secrets)
}

fn cfn_env(variables: impl Iterator<Item = (String, Value)>) -> Vec<(String, String)> {
    variables
        .map(|(name, value)| {
            let value = match value.as_str() {
                Some(literal) => literal.to_owned(),
                // An intrinsic (a key ARN, a parameter): stands for a deployment value.
                None => sample(&name).to_owned(),
            };
            (name, value)
        })
        .collect()
}

#[test]
fn the_daemon_accepts_the_environment_every_deployment_gives_it() {
    for path in [ECS_SERVICE, ECS_SIDECAR] {
        let (env, secrets) = json_task_env(path);
        let effective = check_config_with(path, &env, &secrets);
        assert!(effective.contains("provider = \"aws-kms\""), "{effective}");
        assert!(effective.contains("type = \"splunk_hec\""), "{effective}");
        assert!(effective.contains("[sources.http_logs]"), "{effective}");
    }

    let service = template(SERVICE);
    let container = &props(&service, "TaskDefinition")["ContainerDefinitions"][0];
    let env = cfn_env(
        container["Environment"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["Name"].as_str().unwrap().to_owned(), e["Value"].clone())),
    );
    let secrets: Vec<String> = container["Secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Name"].as_str().unwrap().to_owned())
        .collect();
    let effective = check_config_with(SERVICE, &env, &secrets);
    assert!(
        effective.contains("listen = \"0.0.0.0:8080\""),
        "{effective}"
    );
    assert!(effective.contains("type = \"splunk_hec\""), "{effective}");

    let transform = template(TRANSFORM);
    let variables = props(&transform, "Function")["Environment"]["Variables"]
        .as_object()
        .unwrap()
        .clone();
    let env = cfn_env(variables.into_iter());
    let effective = check_config_with(TRANSFORM, &env, &[]);
    assert!(effective.contains("provider = \"aws-kms\""), "{effective}");
}
