namespace OrleansHpo.Core; internal static class Placeholder {}
