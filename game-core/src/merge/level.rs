//! Merge-drop level data and its validation.
//!
//! Lengths are integers in thousandths of a world unit (`_milli`), like drop inputs, so level
//! files carry no floats; they are converted to `f32` once, when a game starts.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::kernel::input::INPUTS_MAX;
use crate::kernel::tick::{SESSION_TICKS_MAX, TICK_HZ};
use crate::level::Problem;
use crate::physics::{RADIUS_MAX, RADIUS_MIN, WALLS_MAX};

/// Fewest and most tiers in a chain.
pub const TIERS_MIN: usize = 3;
pub const TIERS_MAX: usize = 16;

/// Most tiers the player may be handed: only the small end of the chain is dropped.
pub const DROPPABLE_TIERS_MAX: u8 = 5;

/// Container corners: at least a floor and two walls, at most one corner per wall.
pub const CONTAINER_POINTS_MIN: usize = 4;
pub const CONTAINER_POINTS_MAX: usize = WALLS_MAX as usize + 1;

/// Every coordinate lies within this many milli-units of the origin (100 world units).
pub const COORDINATE_ABS_MAX_MILLI: i32 = 100_000;

/// Shortest wall, in milli-units: shorter ones are modelling noise, not geometry.
pub const WALL_LENGTH_MIN_MILLI: i64 = 100;

/// Gravity's downward component, in milli-units per second squared.
pub const GRAVITY_DOWN_MIN_MILLI: i32 = 2_000;
pub const GRAVITY_DOWN_MAX_MILLI: i32 = 80_000;

/// Most restitution, per mille: above it piles never come to rest.
pub const RESTITUTION_MAX_PERMILLE: u16 = 800;

/// Most friction, per mille.
pub const FRICTION_MAX_PERMILLE: u16 = 2_000;

/// Shortest drop cooldown: one drop per 12 ticks keeps any session under `INPUTS_MAX` inputs.
pub const DROP_COOLDOWN_TICKS_MIN: u32 = SESSION_TICKS_MAX / INPUTS_MAX;

/// Longest drop cooldown (5 seconds).
pub const DROP_COOLDOWN_TICKS_MAX: u32 = 5 * TICK_HZ;

/// Danger grace period bounds, in ticks (0.5 to 10 seconds).
pub const DANGER_GRACE_TICKS_MIN: u32 = TICK_HZ / 2;
pub const DANGER_GRACE_TICKS_MAX: u32 = 10 * TICK_HZ;

/// Shortest time limit (30 seconds).
pub const TIME_LIMIT_TICKS_MIN: u32 = 30 * TICK_HZ;

/// Largest score of one tier or bonus: keeps any session's score far from `u32::MAX`.
pub const SCORE_MAX: u32 = 100_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MergeLevel {
    /// Container corners `[x, y]` in milli-units, counter-clockwise: from the top of the left
    /// wall down to the floor and up to the top of the right wall. Open at the top.
    pub container: Vec<[i32; 2]>,
    /// Gravity `[x, y]` in milli-units per second squared; `y` points down (negative).
    pub gravity_milli: [i32; 2],
    pub restitution_permille: u16,
    pub friction_permille: u16,
    /// Height at which dropped pieces appear, in milli-units.
    pub drop_y_milli: i32,
    /// A landed piece reaching above this line for `danger_grace_ticks` ends the game.
    pub danger_y_milli: i32,
    pub danger_grace_ticks: u32,
    /// Ticks after a drop before the next one is accepted.
    pub drop_cooldown_ticks: u32,
    /// The session ends after this many ticks.
    pub time_limit_ticks: u32,
    /// The first this-many tiers are dropped, chosen uniformly by the seeded RNG.
    pub droppable_tiers: u8,
    /// The merge chain, smallest first.
    pub tiers: Vec<Tier>,
    /// Score for two top-tier pieces meeting (they vanish).
    pub top_pair_bonus: u32,
    /// Scores for one, two and three stars; one star passes the level.
    pub stars: [u32; 3],
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub radius_milli: i32,
    /// Score for creating a piece of this tier by a merge.
    pub score: u32,
    /// `#rrggbb`, for the renderer.
    pub color: String,
}

impl MergeLevel {
    /// Pushes every problem with this level onto `problems`, each with its field path.
    pub fn validate(&self, path: &str, problems: &mut Vec<Problem>) {
        let before = problems.len();
        self.validate_tiers(path, problems);
        let tiers_ok = problems.len() == before;
        self.validate_container(path, problems);
        self.validate_physics(path, problems);
        self.validate_rules(path, problems, tiers_ok);
    }

    fn validate_tiers(&self, path: &str, problems: &mut Vec<Problem>) {
        let count = self.tiers.len();
        if !(TIERS_MIN..=TIERS_MAX).contains(&count) {
            problems.push(Problem::new(
                format!("{path}.tiers"),
                format!("{count} tiers"),
                format!("{TIERS_MIN} to {TIERS_MAX} tiers"),
            ));
        }
        let (radius_min, radius_max) = (milli_of(RADIUS_MIN), milli_of(RADIUS_MAX));
        for (index, tier) in self.tiers.iter().enumerate() {
            let at = format!("{path}.tiers[{index}]");
            let in_range = |radius: i32| (radius_min..=radius_max).contains(&radius);
            if !in_range(tier.radius_milli) {
                problems.push(Problem::new(
                    format!("{at}.radius_milli"),
                    tier.radius_milli,
                    format!("{radius_min} to {radius_max}"),
                ));
            }
            // An out-of-range radius is one root cause: its ordering against the previous tier
            // is not reported on top of it.
            let previous = index.checked_sub(1).map(|i| &self.tiers[i]);
            if let Some(previous) = previous.filter(|_| in_range(tier.radius_milli)) {
                if tier.radius_milli <= previous.radius_milli {
                    problems.push(Problem::new(
                        format!("{at}.radius_milli"),
                        tier.radius_milli,
                        format!("more than tier {}'s {}", index - 1, previous.radius_milli),
                    ));
                }
            }
            if !(1..=SCORE_MAX).contains(&tier.score) {
                problems.push(Problem::new(
                    format!("{at}.score"),
                    tier.score,
                    format!("1 to {SCORE_MAX}"),
                ));
            }
            let hex = tier.color.len() == 7
                && tier.color.starts_with('#')
                && tier.color[1..].bytes().all(|byte| byte.is_ascii_hexdigit());
            if !hex {
                problems.push(Problem::new(
                    format!("{at}.color"),
                    format!("{:?}", tier.color),
                    "#rrggbb",
                ));
            }
        }
        let droppable_max = DROPPABLE_TIERS_MAX.min(count.saturating_sub(1) as u8);
        let count_ok = (TIERS_MIN..=TIERS_MAX).contains(&count);
        if count_ok && (self.droppable_tiers == 0 || self.droppable_tiers > droppable_max) {
            problems.push(Problem::new(
                format!("{path}.droppable_tiers"),
                self.droppable_tiers,
                format!(
                    "1 to {droppable_max} (at most {DROPPABLE_TIERS_MAX}, fewer than the tiers)"
                ),
            ));
        }
        if !(0..=SCORE_MAX).contains(&self.top_pair_bonus) {
            problems.push(Problem::new(
                format!("{path}.top_pair_bonus"),
                self.top_pair_bonus,
                format!("0 to {SCORE_MAX}"),
            ));
        }
    }

    fn validate_container(&self, path: &str, problems: &mut Vec<Problem>) {
        let at = format!("{path}.container");
        let points = &self.container;
        if !(CONTAINER_POINTS_MIN..=CONTAINER_POINTS_MAX).contains(&points.len()) {
            problems.push(Problem::new(
                &at,
                format!("{} points", points.len()),
                format!("{CONTAINER_POINTS_MIN} to {CONTAINER_POINTS_MAX} points"),
            ));
            return;
        }
        let mut coordinates_ok = true;
        for (index, point) in points.iter().enumerate() {
            for (axis, value) in ["x", "y"].iter().zip(point) {
                if value.abs() > COORDINATE_ABS_MAX_MILLI {
                    coordinates_ok = false;
                    problems.push(Problem::new(
                        format!("{at}[{index}].{axis}"),
                        value,
                        format!("-{COORDINATE_ABS_MAX_MILLI} to {COORDINATE_ABS_MAX_MILLI}"),
                    ));
                }
            }
        }
        if !coordinates_ok {
            return;
        }
        for (index, pair) in points.windows(2).enumerate() {
            let length_sq = distance_sq(pair[0], pair[1]);
            if length_sq < WALL_LENGTH_MIN_MILLI * WALL_LENGTH_MIN_MILLI {
                problems.push(Problem::new(
                    format!("{at}[{}]", index + 1),
                    format!("a wall {} long", isqrt(length_sq)),
                    format!("walls at least {WALL_LENGTH_MIN_MILLI} long"),
                ));
            }
        }
        let (first, last) = (points[0], points[points.len() - 1]);
        if first[1] != last[1] {
            problems.push(Problem::new(
                format!("{at}[{}].y", points.len() - 1),
                last[1],
                format!("{} (both walls end at the same top height)", first[1]),
            ));
        }
        if first[0] >= last[0] {
            problems.push(Problem::new(
                format!("{at}[0].x"),
                first[0],
                format!("less than the right wall's top x {}", last[0]),
            ));
        }
        for (index, point) in points.iter().enumerate().skip(1).take(points.len() - 2) {
            if point[1] >= first[1] {
                problems.push(Problem::new(
                    format!("{at}[{index}].y"),
                    point[1],
                    format!("below the top {}", first[1]),
                ));
            }
        }
        // Closed by the top edge, the outline must be a simple counter-clockwise polygon so
        // every wall's normal faces in.
        let walls = points.len() - 1;
        for i in 0..walls {
            for j in i + 2..walls {
                if segments_cross(points[i], points[i + 1], points[j], points[j + 1]) {
                    problems.push(Problem::new(
                        format!("{at}[{}]", j + 1),
                        format!("wall {j} crossing wall {i}"),
                        "walls that do not cross",
                    ));
                }
            }
        }
        if twice_area(points) <= 0 {
            problems.push(Problem::new(
                &at,
                "a clockwise or flat outline",
                "corners listed counter-clockwise: down the left wall, along the floor, up the right",
            ));
        }
    }

    fn validate_physics(&self, path: &str, problems: &mut Vec<Problem>) {
        let [gravity_x, gravity_y] = self.gravity_milli;
        let down = gravity_y.saturating_neg();
        if !(GRAVITY_DOWN_MIN_MILLI..=GRAVITY_DOWN_MAX_MILLI).contains(&down) {
            problems.push(Problem::new(
                format!("{path}.gravity_milli[1]"),
                gravity_y,
                format!("-{GRAVITY_DOWN_MAX_MILLI} to -{GRAVITY_DOWN_MIN_MILLI} (down)"),
            ));
        } else if gravity_x.unsigned_abs() > down.unsigned_abs() / 4 {
            problems.push(Problem::new(
                format!("{path}.gravity_milli[0]"),
                gravity_x,
                format!("-{0} to {0} (a quarter of the downward pull)", down / 4),
            ));
        }
        if self.restitution_permille > RESTITUTION_MAX_PERMILLE {
            problems.push(Problem::new(
                format!("{path}.restitution_permille"),
                self.restitution_permille,
                format!("0 to {RESTITUTION_MAX_PERMILLE}"),
            ));
        }
        if self.friction_permille > FRICTION_MAX_PERMILLE {
            problems.push(Problem::new(
                format!("{path}.friction_permille"),
                self.friction_permille,
                format!("0 to {FRICTION_MAX_PERMILLE}"),
            ));
        }
    }

    /// `tiers_ok`: the drop and danger heights are measured against the droppable tiers' radii;
    /// with a broken tier table those checks would only echo its problems, so they wait.
    fn validate_rules(&self, path: &str, problems: &mut Vec<Problem>, tiers_ok: bool) {
        let points_ok =
            (CONTAINER_POINTS_MIN..=CONTAINER_POINTS_MAX).contains(&self.container.len());
        if points_ok && tiers_ok {
            let top = self.container[0][1];
            let floor = self
                .container
                .iter()
                .map(|point| point[1])
                .min()
                .unwrap_or(top);
            if !(self.drop_y_milli > floor && self.drop_y_milli <= top) {
                problems.push(Problem::new(
                    format!("{path}.drop_y_milli"),
                    self.drop_y_milli,
                    format!("above the floor {floor} and at most the top {top}"),
                ));
            } else {
                self.validate_heights(path, problems, floor);
            }
        }
        self.validate_timing_and_stars(path, problems);
    }

    /// The danger line and every tier's fit, measured from a valid drop height: with a
    /// misplaced drop line these would only echo that one mistake.
    fn validate_heights(&self, path: &str, problems: &mut Vec<Problem>, floor: i32) {
        let lowest_drop = self.drop_y_milli - self.droppable_radius_max_milli().unwrap_or(0);
        let danger_ok = self.danger_y_milli > floor && self.danger_y_milli < lowest_drop;
        if !danger_ok {
            problems.push(Problem::new(
                format!("{path}.danger_y_milli"),
                self.danger_y_milli,
                format!("above the floor {floor} and below a dropped piece's bottom {lowest_drop}"),
            ));
        }
        let droppable = usize::from(self.droppable_tiers).min(self.tiers.len());
        let mut droppable_fit = true;
        for (index, tier) in self.tiers.iter().enumerate().take(droppable) {
            let range = self.drop_range_milli(tier.radius_milli);
            if range.is_none_or(|(low, high)| low > high) {
                droppable_fit = false;
                problems.push(Problem::new(
                    format!("{path}.tiers[{index}].radius_milli"),
                    tier.radius_milli,
                    "a radius that fits across the container at drop_y_milli",
                ));
            }
        }
        if !(danger_ok && droppable_fit) {
            return;
        }
        // Tiers made by merges must fit somewhere below the danger line, or the first one made
        // ends the game (or wedges between the walls). Radii increase, so the first tier too
        // wide is the one root cause; the larger ones after it are not reported again.
        let widest = self.widest_below_milli(self.danger_y_milli);
        let too_wide = self
            .tiers
            .iter()
            .enumerate()
            .skip(droppable)
            .find(|(_, tier)| i64::from(tier.radius_milli) * 2 > widest);
        if let Some((index, tier)) = too_wide {
            let diameter = i64::from(tier.radius_milli) * 2;
            problems.push(
                Problem::new(
                    format!("{path}.tiers[{index}].radius_milli"),
                    format!(
                        "{} (a piece {diameter} wide; the container is at most {widest} wide below the danger line)",
                        tier.radius_milli
                    ),
                    format!("at most {} (half the container's widest span)", widest / 2),
                )
                .rule("tier-wider-than-container"),
            );
        }
    }

    fn validate_timing_and_stars(&self, path: &str, problems: &mut Vec<Problem>) {
        let ranges: [(&str, u32, u32, u32); 3] = [
            (
                "danger_grace_ticks",
                self.danger_grace_ticks,
                DANGER_GRACE_TICKS_MIN,
                DANGER_GRACE_TICKS_MAX,
            ),
            (
                "drop_cooldown_ticks",
                self.drop_cooldown_ticks,
                DROP_COOLDOWN_TICKS_MIN,
                DROP_COOLDOWN_TICKS_MAX,
            ),
            (
                "time_limit_ticks",
                self.time_limit_ticks,
                TIME_LIMIT_TICKS_MIN,
                SESSION_TICKS_MAX,
            ),
        ];
        for (name, value, low, high) in ranges {
            if !(low..=high).contains(&value) {
                problems.push(Problem::new(
                    format!("{path}.{name}"),
                    value,
                    format!("{low} to {high}"),
                ));
            }
        }
        let increasing =
            self.stars[0] > 0 && self.stars[0] < self.stars[1] && self.stars[1] < self.stars[2];
        if !increasing {
            problems.push(Problem::new(
                format!("{path}.stars"),
                format!("{:?}", self.stars),
                "three strictly increasing positive scores",
            ));
        }
    }

    /// The container's widest inside span at any height from the floor up to `y_milli`, in
    /// milli-units. The span is piecewise linear in the height, so its maximum lies at a corner's
    /// height or at `y_milli` itself.
    fn widest_below_milli(&self, y_milli: i32) -> i64 {
        self.container
            .iter()
            .map(|point| point[1])
            .filter(|&y| y <= y_milli)
            .chain([y_milli])
            .filter_map(|y| self.span_at(y))
            .max()
            .unwrap_or(0)
    }

    /// The distance between the leftmost and rightmost wall crossings of height `y_milli`.
    fn span_at(&self, y_milli: i32) -> Option<i64> {
        let y = i64::from(y_milli);
        let crossings = self.container.windows(2).flat_map(|pair| {
            let ([ax, ay], [bx, by]) = (pair[0].map(i64::from), pair[1].map(i64::from));
            let spans = (ay <= y && y <= by) || (by <= y && y <= ay);
            match (spans, ay == by) {
                (false, _) => [None, None],
                (true, true) => [Some(ax), Some(bx)],
                (true, false) => [Some(ax + (y - ay) * (bx - ax) / (by - ay)), None],
            }
        });
        let (low, high) = crossings
            .flatten()
            .fold((i64::MAX, i64::MIN), |(low, high), x| {
                (low.min(x), high.max(x))
            });
        (low < high).then_some(high - low)
    }

    /// An upper bound on any session's score: every drop the clock allows merges once, each
    /// merge scoring at most the best tier score or the top-pair bonus. `None` when the timing
    /// fields are out of range.
    pub fn score_ceiling_points(&self) -> Option<u32> {
        if self.drop_cooldown_ticks == 0 {
            return None;
        }
        let drops = u64::from(self.time_limit_ticks / self.drop_cooldown_ticks) + 1;
        let best = self
            .tiers
            .iter()
            .map(|tier| tier.score)
            .chain([self.top_pair_bonus])
            .max()
            .unwrap_or(0);
        u32::try_from(drops * u64::from(best)).ok()
    }

    fn droppable_radius_max_milli(&self) -> Option<i32> {
        let count = usize::from(self.droppable_tiers).min(self.tiers.len());
        self.tiers[..count]
            .iter()
            .map(|tier| tier.radius_milli)
            .max()
    }

    /// The x range, in milli-units, where a piece of `radius_milli` may be dropped: between the
    /// leftmost and rightmost wall crossings of the drop height, inset by the radius. Integer
    /// arithmetic, so it is the same on every target. `None` if the drop height crosses fewer
    /// than two walls.
    pub fn drop_range_milli(&self, radius_milli: i32) -> Option<(i32, i32)> {
        let y = i64::from(self.drop_y_milli);
        let mut crossings = self.container.windows(2).filter_map(|pair| {
            let ([ax, ay], [bx, by]) = (pair[0].map(i64::from), pair[1].map(i64::from));
            let spans = (ay <= y && y <= by) || (by <= y && y <= ay);
            if !spans || ay == by {
                return None;
            }
            Some(ax + (y - ay) * (bx - ax) / (by - ay))
        });
        let first = crossings.next()?;
        let (mut left, mut right) = (first, first);
        let mut count = 1;
        for x in crossings {
            left = left.min(x);
            right = right.max(x);
            count += 1;
        }
        if count < 2 {
            return None;
        }
        let radius = i64::from(radius_milli);
        Some(((left + radius) as i32, (right - radius) as i32))
    }
}

/// `value` world units in milli-units, rounded to nearest.
fn milli_of(value: f32) -> i32 {
    (value * 1000.0 + 0.5) as i32
}

fn distance_sq(a: [i32; 2], b: [i32; 2]) -> i64 {
    let (dx, dy) = (i64::from(b[0] - a[0]), i64::from(b[1] - a[1]));
    dx * dx + dy * dy
}

fn isqrt(value: i64) -> i64 {
    let mut root = 0i64;
    while (root + 1) * (root + 1) <= value {
        root += 1;
    }
    root
}

/// Twice the signed area of the outline closed by its top edge; positive when counter-clockwise.
fn twice_area(points: &[[i32; 2]]) -> i64 {
    let count = points.len();
    (0..count)
        .map(|index| {
            let (a, b) = (points[index], points[(index + 1) % count]);
            i64::from(a[0]) * i64::from(b[1]) - i64::from(b[0]) * i64::from(a[1])
        })
        .sum()
}

/// Whether segments `ab` and `cd` touch or cross (exact integer orientation tests).
fn segments_cross(a: [i32; 2], b: [i32; 2], c: [i32; 2], d: [i32; 2]) -> bool {
    let orient = |p: [i32; 2], q: [i32; 2], r: [i32; 2]| {
        let value = i64::from(q[0] - p[0]) * i64::from(r[1] - p[1])
            - i64::from(q[1] - p[1]) * i64::from(r[0] - p[0]);
        value.signum()
    };
    let within = |p: [i32; 2], q: [i32; 2], r: [i32; 2]| {
        r[0] >= p[0].min(q[0])
            && r[0] <= p[0].max(q[0])
            && r[1] >= p[1].min(q[1])
            && r[1] <= p[1].max(q[1])
    };
    let (o1, o2, o3, o4) = (
        orient(a, b, c),
        orient(a, b, d),
        orient(c, d, a),
        orient(c, d, b),
    );
    if o1 * o2 < 0 && o3 * o4 < 0 {
        return true;
    }
    (o1 == 0 && within(a, b, c))
        || (o2 == 0 && within(a, b, d))
        || (o3 == 0 && within(c, d, a))
        || (o4 == 0 && within(c, d, b))
}
