//! Module-level state for the C ABIs. A wasm instance without the `atomics` feature runs on one
//! thread, so a `RefCell` in a static is sound there; the ABIs are compiled only for such
//! targets. A re-entrant call would be a host bug: the `RefCell` turns it into a trap rather
//! than aliased state.

use core::cell::RefCell;

pub struct HostCell<T>(RefCell<T>);

// SAFETY: only compiled for single-threaded wasm (see the module docs), where no second thread
// can observe the cell.
unsafe impl<T> Sync for HostCell<T> {}

impl<T> HostCell<T> {
    pub const fn new(value: T) -> HostCell<T> {
        HostCell(RefCell::new(value))
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut self.0.borrow_mut())
    }

    /// Like [`HostCell::with`], but `None` instead of a trap when the cell is in use (for the
    /// panic handler, which may run while any cell is borrowed).
    #[cfg(not(feature = "web"))]
    pub fn try_with<R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        self.0.try_borrow_mut().ok().map(|mut value| f(&mut value))
    }
}
