using MlNetTriplet.Bench;

// cnn       : the CNN benchmark (parent): alternates the three sides and writes bench/results/cnn.{json,md}.
// cnn-one   : one run of one .NET side in this process (started by the parent, so its peak RSS is its own).
// bank      : the bank-marketing benchmark (parent): package vs PyTorch peer, bench/results/bank.{json,md}.
// bank-one  : one package run of the bank benchmark in this process.
string command = args.Length > 0 ? args[0] : "";
if (command is "bank" or "bank-one")
{
    BankOptions bank;
    try
    {
        bank = BankOptions.Parse(args.Skip(1).ToArray());
    }
    catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
    {
        Console.Error.WriteLine(e.Message);
        Console.Error.WriteLine(BankOptions.Usage);
        return 2;
    }
    return command == "bank" ? BankBenchmark.Run(bank) : BankBenchmark.RunPackage(bank);
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
