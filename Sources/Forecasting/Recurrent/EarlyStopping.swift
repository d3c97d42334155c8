import Neural

/// What every training loop does at the end of an epoch: check the validation loss (a
/// NaN or infinite one is an error naming the epoch), keep the weights of the best epoch,
/// and say when `patience` epochs have passed without improvement. The starting weights
/// count as epoch 0.
struct EarlyStopping {
    private(set) var report: TrainingReport
    private let patience: Int
    private let parameters: [AlignedBuffer]
    private var best: [[Float]]
    private var sinceBest = 0

    init(report: TrainingReport, startingLoss: Double, patience: Int, parameters: [AlignedBuffer]) {
        self.report = report
        self.report.bestValidationLoss = startingLoss
        self.patience = patience
        self.parameters = parameters
        best = parameters.map(\.array)
    }

    /// Records epoch `epoch`; true when training should stop.
    mutating func endEpoch(_ epoch: Int, validationLoss loss: Double) throws -> Bool {
        guard loss.isFinite else { throw ForecastingError.diverged(epoch: epoch, detail: "the validation loss is \(loss)") }
        report.epochs = epoch
        if loss < report.bestValidationLoss {
            report.bestValidationLoss = loss
            report.bestEpoch = epoch
            best = parameters.map(\.array)
            sinceBest = 0
            return false
        }
        sinceBest += 1
        return sinceBest >= patience
    }

    /// Puts the best epoch's weights back.
    func restoreBest() {
        for (buffer, values) in zip(parameters, best) {
            values.withUnsafeBufferPointer { buffer.pointer.update(from: $0.baseAddress!, count: values.count) }
        }
    }
}
