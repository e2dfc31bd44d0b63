/// A built simulation executable: the C simulation's binary or the
/// Verilator testbench, each kept in its own folder of the build cache.
public struct SimulationBuild: Sendable {
    /// The program that runs the simulation.
    public var executable: String
    /// The cache folder holding the build's sources, log and `executable`.
    public var folder: String
    /// Build time; 0 when the executable came from the cache.
    public var seconds: Double
    /// True when the executable came from the cache.
    public var cached: Bool
}
