import ArgumentParser
import Forecasting

/// The flags that give columns their roles beside the target (NeuralForecast's hist, futr and
/// stat exogenous lists; Darts' past, future and static covariates): shared by the model
/// flags and `inspect`.
struct RoleOptions: ParsableArguments {
    @Option(help: "Past covariate columns, comma-separated: observed up to the end of the history, fed to the network with the target.",
            transform: { $0.split(separator: ",").map(String.init) })
    var covariates: [String] = []

    @Option(help: "Covariates known for every step of the horizon (schedules, holidays, planned values, weather forecasts), comma-separated: a backtest reads their values after each origin from the data (a perfect forecast of them); predict from the rows after the last observed target, or --future.",
            transform: { $0.split(separator: ",").map(String.init) })
    var futureCovariates: [String] = []

    @Option(help: "Static covariates of a global model, one value per series, comma-separated: columns constant within each series of a long-format file, or of the --static table.",
            transform: { $0.split(separator: ",").map(String.init) })
    var staticCovariates: [String] = []

    @Option(help: "The static covariates that are categories (one input per category), comma-separated.",
            transform: { $0.split(separator: ",").map(String.init) })
    var categorical: [String] = []

    func validate() throws {
        if let name = categorical.first(where: { !staticCovariates.contains($0) }) {
            throw ValidationError("--categorical names \"\(name)\", which is not among --static-covariates.")
        }
    }

    /// The columns the flags give roles to.
    var roles: CovariateRoles {
        CovariateRoles(past: covariates, future: futureCovariates, statics: staticCovariates, categorical: categorical)
    }
}
