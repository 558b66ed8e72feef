import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Puts and gets an object with AWS SDK for Java v1 and v2 the way Kafka Connect S3 sinks do (streamed body, SigV4). */
public class Probe {
  public static void main(String[] a) throws Exception {
    String endpoint = a[0], bucket = a[1];
    byte[] body = "x".repeat(200_000).getBytes(StandardCharsets.UTF_8);
    // v1: InputStream body over http => Content-Encoding aws-chunked, x-amz-content-sha256 STREAMING-AWS4-HMAC-SHA256-PAYLOAD
    var creds = new com.amazonaws.auth.BasicAWSCredentials("minioadmin", "minioadmin");
    var v1 = com.amazonaws.services.s3.AmazonS3ClientBuilder.standard()
      .withEndpointConfiguration(new com.amazonaws.client.builder.AwsClientBuilder.EndpointConfiguration(endpoint, "us-east-1"))
      .withPathStyleAccessEnabled(true)
      .withClientConfiguration(new com.amazonaws.ClientConfiguration().withUseExpectContinue(System.getenv("NOEXPECT") == null).withSocketTimeout(15000))
      .withCredentials(new com.amazonaws.auth.AWSStaticCredentialsProvider(creds)).build();
    var md = new com.amazonaws.services.s3.model.ObjectMetadata();
    md.setContentLength(body.length);
    v1.putObject(bucket, "v1/chunked", new ByteArrayInputStream(body), md);
    String got1 = v1.getObjectAsString(bucket, "v1/chunked");
    System.out.println("v1 putObject (aws-chunked) " + (got1.length() == body.length ? "OK" : "BAD length " + got1.length()));
    // v1 multipart via TransferManager-like calls
    var init = v1.initiateMultipartUpload(new com.amazonaws.services.s3.model.InitiateMultipartUploadRequest(bucket, "v1/mp"));
    byte[] part = new byte[5 * 1024 * 1024];
    var p1 = v1.uploadPart(new com.amazonaws.services.s3.model.UploadPartRequest().withBucketName(bucket).withKey("v1/mp")
      .withUploadId(init.getUploadId()).withPartNumber(1).withInputStream(new ByteArrayInputStream(part)).withPartSize(part.length));
    var p2 = v1.uploadPart(new com.amazonaws.services.s3.model.UploadPartRequest().withBucketName(bucket).withKey("v1/mp")
      .withUploadId(init.getUploadId()).withPartNumber(2).withInputStream(new ByteArrayInputStream(body)).withPartSize(body.length));
    v1.completeMultipartUpload(new com.amazonaws.services.s3.model.CompleteMultipartUploadRequest(bucket, "v1/mp", init.getUploadId(),
      java.util.List.of(p1.getPartETag(), p2.getPartETag())));
    long len = v1.getObjectMetadata(bucket, "v1/mp").getContentLength();
    System.out.println("v1 multipart (aws-chunked parts) " + (len == part.length + body.length ? "OK" : "BAD length " + len));
    System.out.println("v1 getBucketAcl owner=" + v1.getBucketAcl(bucket).getOwner().getId() + " doesBucketExistV2=" + v1.doesBucketExistV2(bucket));
    // v2: RequestBody over http => STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER with the default CRC32 checksum)
    var v2 = software.amazon.awssdk.services.s3.S3Client.builder().endpointOverride(URI.create(endpoint))
      .region(software.amazon.awssdk.regions.Region.US_EAST_1).forcePathStyle(true)
      .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("minioadmin", "minioadmin"))).build();
    v2.putObject(b -> b.bucket(bucket).key("v2/chunked"), software.amazon.awssdk.core.sync.RequestBody.fromInputStream(new ByteArrayInputStream(body), body.length));
    var got2 = v2.getObjectAsBytes(b -> b.bucket(bucket).key("v2/chunked")).asByteArray();
    System.out.println("v2 putObject (streaming, default checksums) " + (got2.length == body.length ? "OK" : "BAD length " + got2.length));
    try {
      v2.putObject(b -> b.bucket(bucket).key("v2/chunked").ifNoneMatch("*"), software.amazon.awssdk.core.sync.RequestBody.fromBytes(body));
      System.out.println("v2 If-None-Match second put: BAD (accepted)");
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      System.out.println("v2 If-None-Match second put: " + e.statusCode());
    }
    var bad = software.amazon.awssdk.services.s3.S3Client.builder().endpointOverride(URI.create(endpoint))
      .region(software.amazon.awssdk.regions.Region.US_EAST_1).forcePathStyle(true)
      .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("minioadmin", "wrong"))).build();
    try { bad.headBucket(b -> b.bucket(bucket)); System.out.println("v2 wrong secret: BAD (accepted)"); }
    catch (software.amazon.awssdk.services.s3.model.S3Exception e) { System.out.println("v2 wrong secret: " + e.statusCode()); }
  }
}
