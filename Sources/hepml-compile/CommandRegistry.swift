import ArgumentParser

/// Subcommands beyond compile and predict, each in its own file.
let extraCommands: [ParsableCommand.Type] = [
    TrainCommand.self, PhysicsCommand.self,
]
