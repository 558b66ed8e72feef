import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * The Iceberg REST catalog of Apache's iceberg-rest-fixture (RESTCatalogServer: iceberg-core's RESTCatalogAdapter
 * behind its RESTCatalogServlet, over a JDBC catalog), bound to one host instead of every interface.
 *
 * <p>Configured like the fixture: every CATALOG_* environment variable is a catalog property, "__" becoming "-" and
 * "_" becoming "." (CATALOG_IO__IMPL -> io-impl, CATALOG_S3_ENDPOINT -> s3.endpoint), plus rest.host (default
 * 127.0.0.1) and rest.port (default 8181). Prints "iceberg-rest listening on HOST:PORT" once it serves.
 */
public final class Launcher {
  private Launcher() {}

  static Map<String, String> environmentCatalogConfig() {
    Map<String, String> props = new HashMap<>();
    System.getenv().forEach((key, value) -> {
      if (key.startsWith("CATALOG_")) {
        String name = key.substring("CATALOG_".length()).replace("__", "-").replace("_", ".");
        props.put(name.toLowerCase(Locale.ROOT), value);
      }
    });
    return props;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> props = environmentCatalogConfig();
    props.putIfAbsent(CatalogProperties.CATALOG_IMPL, JdbcCatalog.class.getName());
    props.putIfAbsent(CatalogProperties.URI, "jdbc:sqlite::memory:");
    props.putIfAbsent("jdbc.schema-version", "V1");
    String host = props.getOrDefault("rest.host", "127.0.0.1");
    int port = Integer.parseInt(props.getOrDefault("rest.port", "8181"));
    // no Hadoop configuration: the catalog keeps its files through S3FileIO (io-impl), never through Hadoop
    Catalog catalog = CatalogUtil.buildIcebergCatalog("rest_backend", props, null);

    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    context.addServlet(new ServletHolder(new RESTCatalogServlet(new RESTCatalogAdapter(catalog))), "/*");
    context.insertHandler(new GzipHandler());
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(context);
    server.start();
    System.out.println("iceberg-rest listening on " + host + ":" + connector.getLocalPort());
    server.join();
  }
}
