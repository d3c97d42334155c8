import Forecasting

/// libFuzzer entry point for the model-file reader: any bytes must give a model file or
/// an error, never a crash; a model file read must forecast from its saved state (as
/// `update` does) or refuse with an error. Seeds: small model files of every mode in
/// `Fuzz/model-seeds` (`make fuzz` makes them).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let file = try ModelFile.decode(bytes, name: "fuzz.safetensors")
        switch file.model {
        case .network(let network):
            // As `predict --model` and `update` use it: a global model through one of its series.
            var forecaster = try network.seriesNames.first.map(network.forecaster(forSeries:)) ?? network
            _ = try forecaster.predict(horizon: forecaster.configuration.horizon)
            try forecaster.update(with: [1, 2], covariates: forecaster.configuration.covariates.map { _ in [1, 2] }, timestamps: nil)
            _ = try forecaster.predict(horizon: forecaster.configuration.horizon)
        case .baseline(var baseline):
            _ = try baseline.predict(horizon: 12)
            baseline.update(with: [1, 2])
            _ = try baseline.predict(horizon: 12)
        }
    } catch {
        _ = "\(error)"
    }
    return 0
}
