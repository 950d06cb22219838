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
