namespace OrleansHpo.Core.Search;

/// <summary>What happened to a trial, as a searcher hears it.</summary>
public enum SearcherTrialStatus { Paused, Resumed, Stopped, Completed, Failed }
