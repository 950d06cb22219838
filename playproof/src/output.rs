//! Standard output for the commands.
//!
//! `println!` panics when the reader has gone (`playproof replay proof.bin | head`). Commands
//! print through `outln!`/`out!` instead, which return the write error, and `main` treats a
//! closed pipe as the reader's choice to stop reading: no panic, no error message.

use std::io;

/// `writeln!` to the locked standard output; returns `io::Result<()>`.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        writeln!(::std::io::stdout().lock(), $($arg)*)
    }};
}

/// `write!` to the locked standard output; returns `io::Result<()>`.
macro_rules! out {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        write!(::std::io::stdout().lock(), $($arg)*)
    }};
}

pub(crate) use {out, outln};

/// Whether an error (anywhere in its chain) is a write to a reader that has closed the pipe.
pub fn is_closed_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io_error| io_error.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// What `main` prints for a failed command: the error and each cause beneath it, as a person
/// reads them. Never a backtrace, whatever `RUST_BACKTRACE` says: a missing file or a malformed
/// proof is the user's to fix, and a trace of our frames would bury the one line that says how.
///
/// A cause the line above already quotes (an error that prints its source in its own message)
/// is not said twice.
pub fn report(error: &anyhow::Error) -> String {
    let mut said = error.to_string();
    let mut causes = Vec::new();
    for cause in error.chain().skip(1).map(|cause| cause.to_string()) {
        if !said.contains(&cause) {
            causes.push(cause.clone());
        }
        said = cause;
    }
    let mut text = format!("Error: {error}");
    if !causes.is_empty() {
        text.push_str("\n\nCaused by:");
        for cause in causes {
            text.push_str("\n    ");
            text.push_str(&cause);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_names_the_error_then_each_cause_on_its_own_line() {
        let error = anyhow::anyhow!("proof ends inside field `ticket`")
            .context("short.bin: not a valid proof");
        assert_eq!(
            report(&error),
            "Error: short.bin: not a valid proof\n\nCaused by:\n    proof ends inside field `ticket`"
        );
        assert_eq!(
            report(&anyhow::anyhow!("no such level")),
            "Error: no such level"
        );
    }
}
