using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace RewardPortal.Tests.Components;

/// <summary>Components ask for the services they use; none resolves its own from the container.</summary>
public sealed class ComponentDependenciesTests
{
    private static readonly Type[] Containers = [typeof(IServiceProvider), typeof(IServiceScopeFactory)];

    [Fact]
    public void NoComponentInjectsTheContainer()
    {
        var offenders = typeof(Web.Components.App).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t))
            .SelectMany(t => t.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .Where(p => p.GetCustomAttribute<InjectAttribute>() is not null && Containers.Contains(p.PropertyType))
                .Select(p => $"{t.Name}.{p.Name}"))
            .ToList();

        Assert.Empty(offenders);
    }
}
