namespace OrleansHpo.Grains.Storage;

/// <summary>Files in folders that usually exist already: grain state files, a trial's checkpoints.</summary>
internal static class Folders
{
    /// <summary>
    /// Creates a file with <paramref name="create"/>, and <paramref name="folder"/> first only when the create fails
    /// for want of it (a grain type's or a trial's first file): a create-directory call before every write costs a
    /// syscall per path segment.
    /// </summary>
    public static T CreateIn<T>(string folder, Func<T> create)
    {
        try
        {
            return create();
        }
        catch (DirectoryNotFoundException)
        {
            Directory.CreateDirectory(folder);
            return create();
        }
    }
}
