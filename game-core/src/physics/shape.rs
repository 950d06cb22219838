//! Static geometry: one-sided segments.

use glam::Vec2;

/// A static wall from `a` to `b`. Its solid side is to the right of `a -> b`; the free side,
/// where bodies live, is on the left, along `normal`. A container listed counter-clockwise
/// (down the left wall, along the floor, up the right wall) therefore faces inwards.
///
/// One-sidedness is what keeps a deeply pushed body from being expelled through the wall: its
/// correction always points inwards, even when its centre has crossed the line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    pub a: Vec2,
    pub b: Vec2,
    /// Unit normal pointing into the free side.
    pub normal: Vec2,
}

impl Segment {
    /// Panics on a degenerate segment; levels are validated before this is called.
    pub fn new(a: Vec2, b: Vec2) -> Segment {
        let direction = b - a;
        let length = libm::sqrtf(direction.dot(direction));
        assert!(length > 0.0, "degenerate segment");
        // Counter-clockwise perpendicular of the direction: (-dy, dx).
        let normal = Vec2::new(-direction.y, direction.x) / length;
        Segment { a, b, normal }
    }

    /// Signed distance from the segment's surface to a circle's surface (negative when they
    /// overlap) and the unit normal pushing the circle out, towards the free side.
    pub fn separation(&self, centre: Vec2, radius: f32) -> (f32, Vec2) {
        let edge = self.b - self.a;
        let along = (centre - self.a).dot(edge);
        let edge_length_sq = edge.dot(edge);
        if along > 0.0 && along < edge_length_sq {
            // Beside the segment's interior: the plane distance, signed.
            return ((centre - self.a).dot(self.normal) - radius, self.normal);
        }
        let end = if along <= 0.0 { self.a } else { self.b };
        let offset = centre - end;
        let distance = libm::sqrtf(offset.dot(offset));
        if offset.dot(self.normal) <= 0.0 || distance <= f32::EPSILON {
            // Behind an end point: push along the face normal rather than outwards through it.
            return (offset.dot(self.normal) - radius, self.normal);
        }
        (distance - radius, offset / distance)
    }

    /// Lowest and highest x and y of the segment: (min, max).
    pub fn bounds(&self) -> (Vec2, Vec2) {
        let min = Vec2::new(lesser(self.a.x, self.b.x), lesser(self.a.y, self.b.y));
        let max = Vec2::new(greater(self.a.x, self.b.x), greater(self.a.y, self.b.y));
        (min, max)
    }
}

/// `a < b ? a : b` with an explicit comparison: `f32::min` treats `-0.0` per target.
#[inline]
pub(crate) fn lesser(a: f32, b: f32) -> f32 {
    if b < a {
        b
    } else {
        a
    }
}

/// `a > b ? a : b` with an explicit comparison.
#[inline]
pub(crate) fn greater(a: f32, b: f32) -> f32 {
    if b > a {
        b
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_floor_listed_left_to_right_faces_up() {
        let floor = Segment::new(Vec2::new(-1.0, 0.0), Vec2::new(1.0, 0.0));
        assert_eq!(floor.normal, Vec2::new(0.0, 1.0));
        let (separation, normal) = floor.separation(Vec2::new(0.5, 0.75), 0.25);
        assert_eq!((separation, normal), (0.5, Vec2::Y));
    }

    #[test]
    fn a_centre_below_the_floor_is_pushed_up_not_down() {
        let floor = Segment::new(Vec2::new(-1.0, 0.0), Vec2::new(1.0, 0.0));
        let (separation, normal) = floor.separation(Vec2::new(0.0, -0.125), 0.25);
        assert_eq!((separation, normal), (-0.375, Vec2::Y));
    }

    #[test]
    fn beyond_an_end_the_normal_points_from_the_corner() {
        let floor = Segment::new(Vec2::new(-1.0, 0.0), Vec2::new(1.0, 0.0));
        let (separation, normal) = floor.separation(Vec2::new(4.0, 4.0), 1.0);
        assert_eq!(separation, 4.0);
        assert_eq!(normal, Vec2::new(0.6, 0.8));
    }
}
