import Foundation
import Testing
@testable import Neural

@Suite struct ActivationsTests {
    @Test func rationalTanhAndSigmoidWithinOneMillionth() {
        let n = 200_003
        let x = (0..<n).map { Float(-20 + 40 * Double($0) / Double(n - 1)) } + [0, 1e-8, -1e-8, 1e-30]
        var t = [Float](repeating: 0, count: x.count), s = t
        Activations.tanh(x, &t, count: x.count)
        Activations.sigmoid(x, &s, count: x.count)
        var worstT = 0.0, worstS = 0.0
        for i in x.indices {
            worstT = max(worstT, abs(Double(t[i]) - Foundation.tanh(Double(x[i]))))
            worstS = max(worstS, abs(Double(s[i]) - 1 / (1 + Foundation.exp(-Double(x[i])))))
        }
        #expect(worstT <= 1e-6)
        #expect(worstS <= 1e-6)
        #expect(Activations.tanh(Float.infinity) == Activations.tanh(100))
        // The C kernel (this CPU's widest vectors) and the Swift SIMD one agree.
        var ts = t, ss = s
        Activations.tanhSwift(x, &ts, count: x.count)
        Activations.sigmoidSwift(x, &ss, count: x.count)
        let tanhGap = zip(t, ts).map { abs($0 - $1) }.max() ?? 0
        #expect(tanhGap <= 1e-6, "\(Activations.instructionSet): \(tanhGap)")
        #expect(zip(s, ss).allSatisfy { abs($0 - $1) <= 1e-6 })
    }
}
