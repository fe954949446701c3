namespace RewardPortal.Core.Protection;

/// <summary>Files and folders that only the app's own user may read: the database and its key file.</summary>
public static class OwnerOnly
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static FileStreamOptions CreateNew
    {
        get
        {
            var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = FileMode;
            return options;
        }
    }

    /// <summary>Creates a missing folder as 0700; a folder that already exists is the operator's and keeps its mode.</summary>
    public static void CreateDirectory(string path)
    {
        if (Directory.Exists(path))
            return;
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(path);
        else
            Directory.CreateDirectory(path, DirectoryMode);
    }

    /// <summary>Makes an empty file as 0600 when there is none, so that whatever fills it later (SQLite) inherits the mode.</summary>
    public static void CreateFile(string path)
    {
        if (File.Exists(path))
            return;
        try
        {
            using var _ = new FileStream(path, CreateNew);
        }
        catch (IOException) when (File.Exists(path))
        {
        }
    }

    /// <summary>Takes away group and other access from a file made before the app made its files private.</summary>
    public static void TightenFile(string path)
    {
        if (OperatingSystem.IsWindows())
            return;
        var mode = File.GetUnixFileMode(path);
        if ((mode & ~FileMode) == 0)
            return;
        try
        {
            File.SetUnixFileMode(path, mode & FileMode);
        }
        catch (UnauthorizedAccessException)
        {
            // Another user's file: its owner decides who reads it.
        }
    }
}
