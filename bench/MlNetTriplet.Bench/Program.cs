using MlNetTriplet.Bench;

// cnn      : the benchmark (parent): alternates the three sides and writes bench/results/cnn.{json,md}.
// cnn-one  : one run of one .NET side in this process (started by the parent, so its peak RSS is its own).
string command = args.Length > 0 ? args[0] : "";
CnnOptions options;
try
{
    options = CnnOptions.Parse(args.Skip(1).ToArray());
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return Usage();
}

return command switch
{
    "cnn" => CnnBenchmark.Run(options),
    "cnn-one" => Child.Run(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine(CnnOptions.Usage);
    return 2;
}
