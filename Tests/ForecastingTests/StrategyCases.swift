@testable import Forecasting

/// The strategy type inside a `RecurrentForecaster`, for tests of its own state.
extension RecurrentForecaster {
    var asDirect: DirectForecaster? { if case .direct(let m) = self { m } else { nil } }
    var asStatefulDirect: StatefulDirectForecaster? { if case .statefulDirect(let m) = self { m } else { nil } }
    var asSequence: SequenceForecaster? { if case .sequence(let m) = self { m } else { nil } }
    var asEncoderDecoder: EncoderDecoderForecaster? { if case .encoderDecoder(let m) = self { m } else { nil } }
}
