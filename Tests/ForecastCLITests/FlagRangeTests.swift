import Foundation
import Testing
import TestSupport

/// Issue 14, family 2 (the model flags): every number is range-checked before anything
/// runs: exit 64 naming the flag and its range, never a trap, nothing written.
@Suite struct FlagRangeTests {
    @Test func modelFlagsOutsideTheirRangesAreUsageErrors() throws {
        let model = temporaryPath("never.safetensors")
        let cases: [([String], String)] = [
            (["--hidden", "100000000"], "--hidden must be in 1...4096, got 100000000."),
            (["--layers", "1000000"], "--layers must be in 1...16, got 1000000."),
            (["--horizon", "9223372036854775807"], "--horizon must be in 1...100000, got 9223372036854775807."),
            (["--input-window", "9223372036854775807"], "--input-window must be in 1...1000000, got 9223372036854775807."),
            (["--horizon", "0"], "--horizon must be in 1...100000, got 0."),
            (["--learning-rate", "nan"], "--learning-rate must be in (0, 10], got nan."),
            (["--learning-rate", "inf"], "--learning-rate must be in (0, 10], got inf."),
            (["--clip", "nan"], "--clip must be a finite number >= 0 (0: off), got nan."),
            (["--patience=-1"], "--patience must be in 0...1000000, got -1."),
        ]
        for (flags, message) in cases {
            let result = try run(["train", "datasets/air_passengers_monthly.csv", "--model-out", model] + flags)
            #expect(result.code == 64, "\(flags): \(result.err)")
            #expect(result.err.contains(message), "\(flags): \(result.err)")
            #expect(!FileManager.default.fileExists(atPath: model))
        }
    }
}
