// See build-support/source_commit.rs: the source commit for `--version` and the footer.
include!("../build-support/source_commit.rs");
