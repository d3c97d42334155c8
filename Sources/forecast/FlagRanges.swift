import ArgumentParser

/// Throws a `ValidationError` (exit 64) for the first integer flag outside its range, in
/// one sentence naming the flag and the range: "--hidden must be in 1...4096, got 100000000."
/// Every command checks its integer flags through here, in `validate()`, before anything runs.
func checkRanges(_ ranges: [(flag: String, value: Int?, range: ClosedRange<Int>)]) throws {
    for (flag, value, range) in ranges {
        if let value, !range.contains(value) {
            throw ValidationError("\(flag) must be in \(range.lowerBound)...\(range.upperBound), got \(value).")
        }
    }
}
