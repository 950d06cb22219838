//! A global allocator wrapper that counts bytes, so benchmarks can print memory next to time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Meter;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static TOTAL: AtomicUsize = AtomicUsize::new(0);

// SAFETY: defers every operation to the system allocator and only adds counting.
unsafe impl GlobalAlloc for Meter {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let current = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(current, Ordering::Relaxed);
        TOTAL.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(pointer, layout) }
    }
}

/// Bytes allocated while running `work`: (total allocated, peak live above the starting level).
pub fn measure<T>(work: impl FnOnce() -> T) -> (T, usize, usize) {
    let start_current = CURRENT.load(Ordering::Relaxed);
    let start_total = TOTAL.load(Ordering::Relaxed);
    PEAK.store(start_current, Ordering::Relaxed);
    let value = work();
    let total = TOTAL.load(Ordering::Relaxed) - start_total;
    let peak = PEAK.load(Ordering::Relaxed) - start_current;
    (value, total, peak)
}

/// Starts a peak measurement; returns the baseline for [`peak_since`].
pub fn peak_reset() -> usize {
    let current = CURRENT.load(Ordering::Relaxed);
    PEAK.store(current, Ordering::Relaxed);
    current
}

/// Peak live bytes above `baseline` since [`peak_reset`].
pub fn peak_since(baseline: usize) -> usize {
    PEAK.load(Ordering::Relaxed) - baseline
}
