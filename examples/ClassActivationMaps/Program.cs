// Class activation maps of two classifiers: photos (transfer learning) and Fashion-MNIST (a CNN with a
// global-average-pool head). See README.md for what the pictures show.
using ClassActivationMaps;
using MlNetTriplet.Examples;

var options = CommandLine.Parse(args, ExampleOptions.Parse, o => o.Help, ExampleOptions.Usage, out int exitCode);
if (options is null)
    return exitCode;
Directory.CreateDirectory(options.OutputDirectory);
int status = PhotoMaps.Run(options);
if (status == 0 && !options.SkipFashion)
    status = FashionMaps.Run(options);
return status;
