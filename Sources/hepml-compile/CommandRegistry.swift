import ArgumentParser

/// Subcommands beyond compile and predict, each in its own file.
let extraCommands: [ParsableCommand.Type] = [
    SimulateCommand.self, CSimCommand.self, ReportCommand.self, TrainCommand.self, PhysicsCommand.self,
    ImportCommand.self, ExportCommand.self, SweepCommand.self, SweepPointCommand.self, GenerateCommand.self,
]
