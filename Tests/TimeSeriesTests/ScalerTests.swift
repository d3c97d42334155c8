import Testing
@testable import TimeSeries

@Suite struct ScalerTests {
    @Test func standardMinMaxRobust() {
        let x: [Double] = [1, 2, 3, 4, 100]
        let standard = Scaler.fit(.standard, to: x)
        #expect(abs(standard.center - 22) < 1e-12)
        #expect(abs(standard.scale - (7610.0 / 5).squareRoot()) < 1e-9)
        let minMax = Scaler.fit(.minMax, to: x)
        #expect(minMax.transform(1) == 0 && minMax.transform(100) == 1)
        let robust = Scaler.fit(.robust, to: x)
        #expect(robust.center == 3 && robust.scale == 2)  // numpy: q75 4, q25 2
    }

    @Test func fitsOnTheGivenRangeOnlyAndInverts() {
        let x: [Double] = [1, 2, 3, 1000, 2000]
        let scaler = Scaler.fit(.standard, to: x, range: 0..<3)
        #expect(scaler.center == 2)
        for v in x { #expect(abs(scaler.inverse(scaler.transform(v)) - v) < 1e-9) }
    }

    @Test func constantAndMissing() {
        let constant = Scaler.fit(.standard, to: [5, 5, 5])
        #expect(constant.scale == 1 && constant.transform(5) == 0)
        let withNaN = Scaler.fit(.minMax, to: [Double.nan, 2, 4])
        #expect(withNaN.center == 2 && withNaN.scale == 2)
    }
}
