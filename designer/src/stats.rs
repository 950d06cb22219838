//! The few statistics tuning reports need, written out so their definitions are visible.

/// z for a two-sided 95% interval.
const Z_95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for `successes` out of `trials` at 95% confidence: unlike the normal
/// approximation it stays inside [0, 1] and is honest at 0% and 100%.
pub fn wilson_interval(successes: u32, trials: u32) -> (f64, f64) {
    if trials == 0 {
        return (0.0, 1.0);
    }
    let n = f64::from(trials);
    let p = f64::from(successes) / n;
    let z2 = Z_95 * Z_95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z_95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    // At 0 or n successes the bound is exactly 0 or 1; rounding would leave a speck.
    let low = if successes == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if successes == trials {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    (low, high)
}

/// Nearest-rank percentile (`percent` in 0..=100) of sorted values.
pub fn percentile(sorted: &[u32], percent: u32) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (u64::from(percent) * sorted.len() as u64)
        .div_ceil(100)
        .max(1);
    sorted[(rank as usize - 1).min(sorted.len() - 1)]
}

/// Mean and standard error of the mean.
pub fn mean_and_standard_error(values: &[i64]) -> (f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let n = values.len() as f64;
    let mean = values.iter().map(|&value| value as f64).sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let variance = values
        .iter()
        .map(|&value| (value as f64 - mean).powi(2))
        .sum::<f64>()
        / (n - 1.0);
    (mean, (variance / n).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_matches_the_textbook_example() {
        // 8 of 10: the Wilson 95% interval is about [0.490, 0.943].
        let (low, high) = wilson_interval(8, 10);
        assert!(
            (low - 0.4902).abs() < 1e-3 && (high - 0.9433).abs() < 1e-3,
            "{low} {high}"
        );
        assert_eq!(wilson_interval(0, 0), (0.0, 1.0));
        let (low, _) = wilson_interval(0, 50);
        assert_eq!(low, 0.0);
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let sorted = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
        assert_eq!(percentile(&sorted, 10), 10);
        assert_eq!(percentile(&sorted, 50), 50);
        assert_eq!(percentile(&sorted, 90), 90);
        assert_eq!(percentile(&[7], 90), 7);
    }

    #[test]
    fn standard_error_of_a_known_sample() {
        let (mean, error) = mean_and_standard_error(&[2, 4, 4, 4, 5, 5, 7, 9]);
        assert_eq!(mean, 5.0);
        // Sample standard deviation 2.138; divided by sqrt(8).
        assert!((error - 0.7559).abs() < 1e-3, "{error}");
    }
}
