// mlnettriplet: a dataset in, a trained model, its metrics, an HTML report and consumption code out.
// Run: dotnet run --project tools/MlNetTriplet.Cli -c Release -- <scenario> --dataset ... (or --help)
using MlNetTriplet.Cli.Running;

OpenMpWaits.PreferPassive();
return MlNetTriplet.Cli.Commands.ToolCommands.Run(args);
