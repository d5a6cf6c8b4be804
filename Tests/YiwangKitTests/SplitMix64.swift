@testable import YiwangKit

/// Deterministic generator so property tests fail the same way on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    /// A random day in `range`, inclusive.
    mutating func day(in range: ClosedRange<Day>) -> Day {
        let span = range.upperBound.daysSinceEpoch - range.lowerBound.daysSinceEpoch
        return range.lowerBound.adding(days: Int.random(in: 0...span, using: &self))
    }

    /// `count` random symbols from `alphabet`.
    mutating func string(of count: Int, from alphabet: [Character]) -> String {
        String((0..<count).map { _ in alphabet.randomElement(using: &self)! })
    }
}

/// Shorthand for days the tests know to be real.
func day(_ iso: String) -> Day {
    Day(iso: iso)!
}
