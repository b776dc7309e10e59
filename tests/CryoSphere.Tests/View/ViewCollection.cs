namespace CryoSphere.Tests.View;

/// <summary>The view test classes share one trained run, server and browser.</summary>
[CollectionDefinition(Name)]
public sealed class ViewCollection : ICollectionFixture<ViewFixture>
{
    public const string Name = "view";
}
