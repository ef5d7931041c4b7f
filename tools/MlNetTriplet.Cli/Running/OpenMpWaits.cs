using System.Runtime.InteropServices;

namespace MlNetTriplet.Cli.Running;

/// <summary>libgomp (inside libtorch and LightGBM) spin-waits between parallel regions by default: on a machine busy
/// with other work that made the bank network's epochs 25x slower here (11 s against 0.4 s), with the same results.
/// The tool asks for passive waits unless the user set <c>OMP_WAIT_POLICY</c>. libgomp reads the variable once, when
/// it loads, so this runs first, and through setenv: .NET's own environment block is not the one native code reads.</summary>
internal static partial class OpenMpWaits
{
    public const string Variable = "OMP_WAIT_POLICY";

    /// <summary>Sets OMP_WAIT_POLICY=PASSIVE in the process environment when it is unset (Linux and macOS).</summary>
    public static void PreferPassive()
    {
        if (OperatingSystem.IsWindows() || Environment.GetEnvironmentVariable(Variable) is not null)
            return;
        try
        {
            setenv(Variable, "PASSIVE", 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc without setenv: the default spin-waits stay.
        }
        Environment.SetEnvironmentVariable(Variable, "PASSIVE");
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
