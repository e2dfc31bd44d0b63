import ModelIR

/// Calls the HLS and Verilog emitters for a compile target.
enum BackendRunner {
    static func run(_ model: LoweredModel, options: CompileOptions) throws(DriverError) -> (files: [GeneratedFile], summary: [String]) {
        // The backends are added as they land (issues 3 and 4).
        return ([], [])
    }
}
