@testable import YiwangKit

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
