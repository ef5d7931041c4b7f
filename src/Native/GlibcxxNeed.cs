// One implementation of the GLIBCXX_3.4.32 fix, compiled twice:
// - into MlNetTriplet.dll, where LibTorch applies it at run time, for every application whatever its build (a
//   ProjectReference, a NuGet reference, an output built on another machine);
// - by build/MlNetTriplet.targets (RoslynCodeTaskFactory, Source = this file) into the build-time task that patches
//   the copy in a NuGet consumer's or this repository's output, so code that calls TorchSharp before MlNetTriplet
//   also loads.
// The library defines MLNETTRIPLET_LIBRARY, which leaves the MSBuild task out of it.
#nullable enable
using System;
using System.IO;
using System.Text;

#if !MLNETTRIPLET_LIBRARY
/// <summary>Marks <see cref="MlNetTriplet.Native.GlibcxxNeed.Version"/> weak in every libLibTorchSharp.so under
/// <see cref="Directory"/> when this machine's libstdc++ lacks that version.</summary>
public sealed class MlNetTripletWeakenGlibcxxNeed : Microsoft.Build.Utilities.Task
{
    [Microsoft.Build.Framework.Required] public string Directory { get; set; } = "";

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory)) return true;
        string[] libs = System.IO.Directory.GetFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        if (libs.Length == 0) return true;
        string? libStdCxx = MlNetTriplet.Native.GlibcxxNeed.FindLibStdCxx();
        if (libStdCxx == null) return true; // not a glibc Linux machine we know: nothing to adapt to
        if (MlNetTriplet.Native.GlibcxxNeed.Provides(File.ReadAllBytes(libStdCxx))) return true;
        foreach (string lib in libs)
        {
            try
            {
                DateTime stamp = File.GetLastWriteTimeUtc(lib);
                byte[] elf = File.ReadAllBytes(lib);
                if (MlNetTriplet.Native.GlibcxxNeed.Weaken(elf) > 0)
                {
                    // Write beside and move over: never write through a hard link into the NuGet cache.
                    string temp = lib + ".mlnettriplet.tmp";
                    File.WriteAllBytes(temp, elf);
                    File.Delete(lib);
                    File.Move(temp, lib);
                    // Keep the timestamp so incremental copies do not see a changed file and copy it again.
                    File.SetLastWriteTimeUtc(lib, stamp);
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                        "MlNetTriplet: marked " + MlNetTriplet.Native.GlibcxxNeed.Version + " weak in " + lib);
                }
            }
            catch (Exception e)
            {
                Log.LogWarning("MlNetTriplet: could not patch " + lib + ": " + e.Message);
            }
        }
        return !Log.HasLoggedErrors;
    }
}
#endif

namespace MlNetTriplet.Native
{
    /// <summary>TorchSharp 0.107's libLibTorchSharp.so asks for <see cref="Version"/> (GCC 13's libstdc++) only for the
    /// marker symbol <c>_ZSt21ios_base_library_initv</c>, which no relocation uses. Debian 12 / Ubuntu 22.04 ship
    /// libstdc++ up to GLIBCXX_3.4.30, so the loader refuses the file there; marking that one version need weak
    /// (VER_FLG_WEAK in its Vernaux entry) lets it load and run correctly.</summary>
    internal static class GlibcxxNeed
    {
        public const string Version = "GLIBCXX_3.4.32";

        private static readonly string[] LibStdCxxCandidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        };

        /// <summary>The system's libstdc++ in the usual places, or null (not a glibc Linux machine we know).</summary>
        public static string? FindLibStdCxx() => Array.Find(LibStdCxxCandidates, File.Exists);

        /// <summary>Whether a libstdc++ image defines <see cref="Version"/>.</summary>
        public static bool Provides(byte[] libStdCxx) => IndexOf(libStdCxx, Encoding.ASCII.GetBytes(Version + "\0"), 0) >= 0;

        /// <summary>The highest GLIBCXX_3.4.N a libstdc++ image defines, for messages (null when none is found).</summary>
        public static string? Highest(byte[] libStdCxx)
        {
            byte[] prefix = Encoding.ASCII.GetBytes("GLIBCXX_3.4.");
            int best = -1;
            for (int at = IndexOf(libStdCxx, prefix, 0); at >= 0; at = IndexOf(libStdCxx, prefix, at + 1))
            {
                int n = 0, i = at + prefix.Length;
                for (; i < libStdCxx.Length && libStdCxx[i] >= (byte)'0' && libStdCxx[i] <= (byte)'9'; i++)
                    n = n * 10 + libStdCxx[i] - '0';
                if (i > at + prefix.Length && i < libStdCxx.Length && libStdCxx[i] == 0)
                    best = Math.Max(best, n);
            }
            return best < 0 ? null : "GLIBCXX_3.4." + best;
        }

        private static int IndexOf(byte[] haystack, byte[] needle, int from)
        {
            for (int i = from; i + needle.Length <= haystack.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && haystack[i + j] == needle[j]) j++;
                if (j == needle.Length) return i;
            }
            return -1;
        }

        /// <summary>Marks every non-weak need of <see cref="Version"/> in an ELF64 little-endian image (the layout of
        /// every linux-x64/arm64 libLibTorchSharp.so) weak, in place; returns how many entries changed (0: none, or
        /// already weak, or not such an image).</summary>
        public static int Weaken(byte[] elf)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F'
                || elf[4] != 2 || elf[5] != 1) return 0;
            long shoff = BitConverter.ToInt64(elf, 0x28);
            int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
            const uint ShtGnuVerneed = 0x6ffffffe;
            const ushort VerFlgWeak = 0x2;
            int changed = 0;
            for (int s = 0; s < shnum; s++)
            {
                int sh = checked((int)(shoff + (long)s * shentsize));
                if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
                long offset = BitConverter.ToInt64(elf, sh + 0x18);
                int link = (int)BitConverter.ToUInt32(elf, sh + 0x28), count = (int)BitConverter.ToUInt32(elf, sh + 0x2C);
                long strtab = BitConverter.ToInt64(elf, checked((int)(shoff + (long)link * shentsize + 0x18)));
                int need = (int)offset;
                for (int n = 0; n < count; n++)
                {
                    int auxCount = BitConverter.ToUInt16(elf, need + 2);
                    int aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        int name = (int)(strtab + BitConverter.ToUInt32(elf, aux + 8));
                        int end = Array.IndexOf(elf, (byte)0, name);
                        if (Encoding.ASCII.GetString(elf, name, end - name) == Version)
                        {
                            ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                            if ((flags & VerFlgWeak) == 0)
                            {
                                BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, aux + 4);
                                changed++;
                            }
                        }
                        aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                    }
                    need += (int)BitConverter.ToUInt32(elf, need + 12);
                }
            }
            return changed;
        }
    }
}
