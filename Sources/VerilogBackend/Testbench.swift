import Templates

/// The Verilator C++ testbench for a design.
enum Testbench {
    /// Above an `initiationInterval` of 1, the testbench offers each event
    /// until `in_ready` accepts it.
    static func render(top: String, latency: Int, initiationInterval: Int = 1, inputs: [VerilogPortField], outputs: [VerilogPortField],
                       templates: TemplateLibrary) throws(VerilogError) -> String {
        func field(_ f: VerilogPortField) -> [String: Any] { ["field": "{\(f.offset), \(f.width), \(f.isSigned)}"] }
        let context: [String: Any] = [
            "top": top, "latency": "\(latency)", "ii": "\(initiationInterval)", "handshake": initiationInterval > 1,
            "inputCount": "\(inputs.count)", "outputCount": "\(outputs.count)",
            "inputs": inputs.map(field), "outputs": outputs.map(field),
        ]
        do { return try templates.render("verilog/testbench.cpp", context) } catch { throw .template(error) }
    }
}
