using Confab.Contracts;

namespace Confab.Server.Conversations;

/// <summary>Which part of a conversation a PATCH touches: what managers may change, and what is the caller's own.</summary>
public static class ConversationChanges
{
    extension(UpdateConversationRequest request)
    {
        /// <summary>Shared fields (managers only).</summary>
        public bool ChangesShared =>
            request.Has(nameof(request.Title)) || request.Has(nameof(request.Description))
            || request.Has(nameof(request.ReadOnly)) || request.Has(nameof(request.Metadata));

        /// <summary>The caller's own settings (any member).</summary>
        public bool ChangesOwn =>
            request.Has(nameof(request.Muted)) || request.Has(nameof(request.MutedUntil))
            || request.Has(nameof(request.Pinned)) || request.Has(nameof(request.Archived));
    }
}
