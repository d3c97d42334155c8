@testable import Forecasting

/// The strategy inside a one-member `RecurrentForecaster`, for tests of its own state.
extension RecurrentForecaster {
    var asDirect: DirectForecaster? { members.count == 1 ? members[0] as? DirectForecaster : nil }
    var asStatefulDirect: StatefulDirectForecaster? { members.count == 1 ? members[0] as? StatefulDirectForecaster : nil }
    var asSequence: SequenceForecaster? { members.count == 1 ? members[0] as? SequenceForecaster : nil }
    var asEncoderDecoder: EncoderDecoderForecaster? { members.count == 1 ? members[0] as? EncoderDecoderForecaster : nil }
}
