package com.motioness.edge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layout is the architecture (docs/architecture.md): these rules keep it from drifting
 * back into the cycles it once had (log ⇄ ring, config ⇄ auth), on the compiled classes.
 */
class PackageLayersTest {
    private static JavaClasses edge;

    @BeforeAll
    static void importClasses() {
        edge = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("com.motioness.edge");
    }

    @Test
    void noTwoPackagesDependOnEachOther() {
        // Each package on its own, subpackages included (log.embedded is not log): a cycle between a
        // package and its subpackage is a cycle too.
        slices().matching("com.motioness.edge.(**)").should().beFreeOfCycles().check(edge);
    }

    @Test
    void theRingKnowsOnlyTheProtocol() {
        // The ring is what every log publishes into: it must not know any of them, nor who consumes it.
        noClasses()
                .that()
                .resideInAPackage("com.motioness.edge.ring..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "com.motioness.edge.log..",
                        "com.motioness.edge.fanout..",
                        "com.motioness.edge.http..",
                        "com.motioness.edge.config..")
                .check(edge);
    }

    @Test
    void settingsKnowNothingOfWhatTheyConfigure() {
        // Factories read settings; settings never reach into the parts they configure.
        noClasses()
                .that()
                .resideInAPackage("com.motioness.edge.config..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "com.motioness.edge.auth..",
                        "com.motioness.edge.log..",
                        "com.motioness.edge.http..",
                        "com.motioness.edge.fanout..",
                        "com.motioness.edge.transport..",
                        "com.motioness.edge.tls..",
                        "com.motioness.edge.admin..")
                .check(edge);
    }

    @Test
    void theFanOutKnowsNoTransportNorSettings() {
        // Subscriptions write to a Channel and a StreamResponder: HTTP/1, HTTP/2 or TLS fronts feed the
        // same fan-out, so it must not depend on any of them.
        noClasses()
                .that()
                .resideInAPackage("com.motioness.edge.fanout..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "com.motioness.edge.http..",
                        "com.motioness.edge.transport..",
                        "com.motioness.edge.tls..",
                        "com.motioness.edge.config..")
                .check(edge);
    }

    @Test
    void tlsKnowsNothingOfTheRequestsItCarries() {
        // The TLS layer sits in front of any HTTP front (HTTP/1 today, HTTP/2 by ALPN): http uses tls,
        // never the reverse.
        noClasses()
                .that()
                .resideInAPackage("com.motioness.edge.tls..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "com.motioness.edge.http..", "com.motioness.edge.fanout..", "com.motioness.edge.log..")
                .check(edge);
    }
}
