import Templates

/// The Verilator C++ testbench for a design.
enum Testbench {
    static func render(top: String, latency: Int, inputs: [VerilogPortField], outputs: [VerilogPortField],
                       templates: TemplateLibrary) throws(VerilogError) -> String {
        func field(_ f: VerilogPortField) -> [String: Any] { ["field": "{\(f.offset), \(f.width), \(f.isSigned)}"] }
        let context: [String: Any] = [
            "top": top, "latency": "\(latency)",
            "inputCount": "\(inputs.count)", "outputCount": "\(outputs.count)",
            "inputs": inputs.map(field), "outputs": outputs.map(field),
        ]
        do { return try templates.render("verilog/testbench.cpp", context) } catch { throw .template(error) }
    }
}
