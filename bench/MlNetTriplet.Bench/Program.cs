using MlNetTriplet.Bench;

// cnn          : the CNN benchmark (parent): alternates the three sides and writes bench/results/cnn.{json,md}.
// cnn-one      : one run of one .NET side in this process (started by the parent, so its peak RSS is its own).
// triplet      : the triplet benchmark (parent): package vs peer per recipe, writes bench/results/triplet.{json,md}.
// triplet-one  : one package run of one triplet recipe in this process.
string command = args.Length > 0 ? args[0] : "";
if (command.StartsWith("triplet", StringComparison.Ordinal))
{
    TripletOptions tripletOptions;
    try
    {
        tripletOptions = TripletOptions.Parse(args.Skip(1).ToArray());
    }
    catch (Exception e) when (e is ArgumentException or FormatException)
    {
        Console.Error.WriteLine(e.Message);
        Console.Error.WriteLine(TripletOptions.Usage);
        return 2;
    }
    return command == "triplet" ? TripletBenchmark.Run(tripletOptions) : TripletPackageRun.Run(tripletOptions);
}

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
