namespace OrleansHpo.Grains.Interfaces; internal static class Placeholder {}
