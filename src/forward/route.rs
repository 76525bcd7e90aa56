//! Which events go to a sink: optional include / exclude globs on the log group.
//!
//! Exclude wins over include; an empty include list means "every event". Events without
//! a log group (sidecar input) match only when no include list is set.

use globset::{Glob, GlobSet, GlobSetBuilder};

/// A compiled per-sink log-group filter.
#[derive(Debug, Clone)]
pub struct LogGroupFilter {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

/// A glob did not compile (config validation reports these first).
#[derive(Debug, thiserror::Error)]
#[error("bad log-group glob `{glob}`: {reason}")]
pub struct FilterError {
    /// The glob.
    pub glob: String,
    /// Why.
    pub reason: String,
}

fn set(globs: &[String]) -> Result<Option<GlobSet>, FilterError> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        let compiled = Glob::new(glob).map_err(|e| FilterError {
            glob: glob.clone(),
            reason: e.to_string(),
        })?;
        builder.add(compiled);
    }
    builder.build().map(Some).map_err(|e| FilterError {
        glob: globs.join(","),
        reason: e.to_string(),
    })
}

impl LogGroupFilter {
    /// Every event.
    pub fn all() -> Self {
        Self {
            include: None,
            exclude: None,
        }
    }

    /// Compiles include and exclude globs.
    pub fn new(include: &[String], exclude: &[String]) -> Result<Self, FilterError> {
        Ok(Self {
            include: set(include)?,
            exclude: set(exclude)?,
        })
    }

    /// Whether an event with this log group goes to the sink.
    pub fn matches(&self, log_group: Option<&str>) -> bool {
        match log_group {
            Some(group) => {
                if self.exclude.as_ref().is_some_and(|s| s.is_match(group)) {
                    return false;
                }
                self.include.as_ref().is_none_or(|s| s.is_match(group))
            }
            None => self.include.is_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclude_wins_and_empty_include_means_all() {
        let f = LogGroupFilter::new(&["/aws/lambda/*".into()], &["/aws/lambda/debug-*".into()])
            .unwrap();
        assert!(f.matches(Some("/aws/lambda/orders")));
        assert!(!f.matches(Some("/aws/lambda/debug-orders")));
        assert!(!f.matches(Some("/ecs/web")));
        assert!(!f.matches(None));
        assert!(LogGroupFilter::all().matches(None));
        let only_exclude = LogGroupFilter::new(&[], &["/ecs/*".into()]).unwrap();
        assert!(only_exclude.matches(Some("/aws/x")) && !only_exclude.matches(Some("/ecs/x")));
    }
}
