namespace OrleansHpo.Grains; internal static class Placeholder {}
