package dev.bulwark.cloud.rest.model;

import dev.bulwark.cloud.service.OperationStatus;

import java.time.Instant;

/** ARM's async operation status: {@code {id, name, status, startTime, endTime, error}}. */
public record OperationStatusView(String id, String name, String status, Instant startTime, Instant endTime,
                                  ErrorResponse.Detail error) {

    public static OperationStatusView of(String id, OperationStatus status) {
        ErrorResponse.Detail error = status.errorCode() == null ? null
                : new ErrorResponse.Detail(status.errorCode(), status.errorMessage(), null);
        return new OperationStatusView(id, status.id().toString(), status.status(), status.startTime(), status.endTime(), error);
    }
}
