package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.security.ArmAction;
import dev.bulwark.cloud.security.ArmActions;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.rest.model.PackageVersionView;
import dev.bulwark.cloud.rest.model.ResourceList;
import dev.bulwark.cloud.service.PackagePublisher;
import dev.bulwark.cloud.service.PackageVersionAddress;
import dev.bulwark.cloud.service.PackageVersionService;
import dev.bulwark.cloud.service.PublishedPackage;
import dev.bulwark.cloud.storage.StorageServer;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import java.io.InputStream;
import java.util.Locale;
import java.util.Set;

/**
 * Publishing extension versions ({@code Microsoft.HybridCompute/locations/publishers/extensionTypes/versions}):
 * PUT uploads the package ZIP, which must pass intake before it is stored and listed in a new signed
 * catalog version; GET lists and shows what is published.
 */
@Path("/subscriptions/{subscriptionId}/providers/Microsoft.HybridCompute/locations/{location}/publishers/{publisherName}/extensionTypes/{extensionTypeName}/versions")
@Produces(MediaType.APPLICATION_JSON)
public class PackageVersionResource {
    private static final Set<String> ZIP_TYPES = Set.of("application/zip", "application/octet-stream",
            "application/x-zip-compressed");

    @Inject
    PackagePublisher publisher;
    @Inject
    PackageVersionService versions;
    @Inject
    StorageServer storage;

    @GET
    @ArmAction(value = ArmActions.VERSIONS_READ, scope = ArmAction.ScopeRule.WITHIN_SUBSCRIPTION)
    @Operation(summary = "The published versions of an extension type")
    public Uni<ResourceList<PackageVersionView>> list(@RestPath String subscriptionId, @RestPath String location,
                                                      @RestPath String publisherName, @RestPath String extensionTypeName,
                                                      @RestQuery("api-version") String apiVersion) {
        ApiVersions.requireHybridCompute(apiVersion);
        PackageVersionAddress type = PackageVersionAddress.ofType(subscriptionId, location, publisherName, extensionTypeName);
        return versions.list(type).map(found -> new ResourceList<>(found.stream().map(p -> view(type, p)).toList()));
    }

    @GET
    @ArmAction(value = ArmActions.VERSIONS_READ, scope = ArmAction.ScopeRule.WITHIN_SUBSCRIPTION)
    @Path("{version}")
    @Operation(summary = "A published extension version: hashes, size and download URL")
    public Uni<PackageVersionView> get(@RestPath String subscriptionId, @RestPath String location,
                                       @RestPath String publisherName, @RestPath String extensionTypeName,
                                       @RestPath String version, @RestQuery("api-version") String apiVersion) {
        ApiVersions.requireHybridCompute(apiVersion);
        PackageVersionAddress address = PackageVersionAddress.of(subscriptionId, location, publisherName, extensionTypeName, version);
        return versions.get(address).map(found -> view(address, found));
    }

    @PUT
    @ArmAction(value = ArmActions.PUBLISH, scope = ArmAction.ScopeRule.PUBLISHER)
    @Path("{version}")
    @Blocking
    @Operation(summary = "Publish an extension version: the body is the package ZIP (201; 200 for the same bytes again;"
            + " 409 for other bytes; 400 InvalidExtensionPackage when intake refuses it)")
    @RequestBody(content = @Content(mediaType = "application/zip", schema = @Schema(type = SchemaType.STRING, format = "binary")))
    public RestResponse<PackageVersionView> publish(@RestPath String subscriptionId, @RestPath String location,
                                                    @RestPath String publisherName, @RestPath String extensionTypeName,
                                                    @RestPath String version, @RestQuery("api-version") String apiVersion,
                                                    @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                                                    InputStream body) {
        ApiVersions.requireHybridCompute(apiVersion);
        PackageVersionAddress address = PackageVersionAddress.of(subscriptionId, location, publisherName, extensionTypeName, version);
        requireZip(contentType);
        PackagePublisher.Published published = publisher.publish(address, body);
        return RestResponse.status(published.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK,
                view(address, published.published()));
    }

    private PackageVersionView view(PackageVersionAddress address, PublishedPackage published) {
        return PackageVersionView.of(address, published, storage.objectUrl(published.storageObject()));
    }

    private static void requireZip(String contentType) {
        String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (!ZIP_TYPES.contains(type)) {
            throw new ApiException(ArmErrorCode.UnsupportedMediaType, "Send the package ZIP as the request content,"
                    + " with Content-Type application/zip or application/octet-stream.", "Content-Type");
        }
    }
}
