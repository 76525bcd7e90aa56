//! Records the git commit for `phiscrub --version`, so a running binary can be traced to
//! its source. Builds outside a git checkout (crate tarballs, Docker contexts without
//! `.git`) fall back to `PHISCRUB_GIT_COMMIT` or `unknown` instead of failing.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=PHISCRUB_GIT_COMMIT");
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");
    let commit = std::env::var("PHISCRUB_GIT_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| {
            Command::new("git")
                .args(["rev-parse", "--short=12", "HEAD"])
                .output()
                .ok()
                .filter(|out| out.status.success())
                .and_then(|out| String::from_utf8(out.stdout).ok())
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=PHISCRUB_GIT_COMMIT={commit}");
}
