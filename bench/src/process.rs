//! What the kernel counts for a process: its CPU time, read from `/proc/PID/stat`.

use std::time::Duration;

/// CPU time (user + system) used so far by process `pid` (`"self"` for this one); zero when
/// it cannot be read (not Linux, or the process is gone).
pub fn cpu_time(pid: &str) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&index| fields.get(index)?.parse::<u64>().ok())
        .sum();
    // These counters tick at USER_HZ, 100 per second on Linux.
    Duration::from_millis(ticks * 10)
}
