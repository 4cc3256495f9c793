/**
 * GENERATED FILE, do not edit. Flux types from the vendored CRDs (openAPIV3Schema of every served version):
 *   sandbox/flux-crds/v2.9/gitrepositories.source.toolkit.fluxcd.io.yaml
 *   sandbox/flux-crds/v2.9/helmcharts.source.toolkit.fluxcd.io.yaml
 *   sandbox/flux-crds/v2.9/helmreleases.helm.toolkit.fluxcd.io.yaml
 *   sandbox/flux-crds/v2.9/helmrepositories.source.toolkit.fluxcd.io.yaml
 *   sandbox/flux-crds/v2.9/imagepolicies.image.toolkit.fluxcd.io.yaml
 *   sandbox/flux-crds/v2.9/imagerepositories.image.toolkit.fluxcd.io.yaml
 *   sandbox/flux-crds/v2.9/imageupdateautomations.image.toolkit.fluxcd.io.yaml
 *   sandbox/flux-crds/v2.9/kustomizations.kustomize.toolkit.fluxcd.io.yaml
 *   sandbox/flux-crds/v2.9/ocirepositories.source.toolkit.fluxcd.io.yaml
 *   sandbox/flux-crds/v2.6/gitrepositories.source.toolkit.fluxcd.io.yaml
 *   sandbox/flux-crds/v2.6/helmcharts.source.toolkit.fluxcd.io.yaml
 *   sandbox/flux-crds/v2.6/helmreleases.helm.toolkit.fluxcd.io.yaml
 *   sandbox/flux-crds/v2.6/helmrepositories.source.toolkit.fluxcd.io.yaml
 *   sandbox/flux-crds/v2.6/imagepolicies.image.toolkit.fluxcd.io.yaml
 *   sandbox/flux-crds/v2.6/imagerepositories.image.toolkit.fluxcd.io.yaml
 *   sandbox/flux-crds/v2.6/imageupdateautomations.image.toolkit.fluxcd.io.yaml
 *   sandbox/flux-crds/v2.6/kustomizations.kustomize.toolkit.fluxcd.io.yaml
 *   sandbox/flux-crds/v2.6/ocirepositories.source.toolkit.fluxcd.io.yaml
 * Regenerate: npm run generate:flux-types (node --import tsx scripts/generate-flux-types.ts); check: npm run check:flux-types.
 */
import type { ObjectMeta } from './k8s-types.ts';

/** metav1.Condition as every Flux kind reports it in status.conditions. */
export interface FluxCondition {
  /** lastTransitionTime is the last time the condition transitioned from one status to another. */
  lastTransitionTime: string;
  /** message is a human readable message indicating details about the transition. */
  message: string;
  /** observedGeneration represents the .metadata.generation that the condition was set based upon. */
  observedGeneration?: number;
  /** reason contains a programmatic identifier indicating the reason for the condition's last transition. */
  reason: string;
  /** status of the condition, one of True, False, Unknown. */
  status: 'True' | 'False' | 'Unknown';
  /** type of condition in CamelCase or in foo.example.com/CamelCase. */
  type: string;
}

/** GitRepository source.toolkit.fluxcd.io/v1, served by Flux v2.9 (storage), v2.6 (storage). */
export interface GitRepositoryV1 {
  apiVersion: 'source.toolkit.fluxcd.io/v1';
  kind: 'GitRepository';
  metadata: ObjectMeta;
  /** GitRepositorySpec specifies the required configuration to produce an Artifact for a Git repository. */
  spec?: GitRepositorySpecBase & {
    /** Provider used for authentication, can be 'aws', 'azure', 'github', 'generic'. */
    provider?: 'generic' | 'aws' | 'azure' | 'github';
    /** ProxySecretRef specifies the Secret containing the proxy configuration to use while communicating with the Git server. */
    proxySecretRef?: {
      /** Name of the referent. */
      name: string;
    };
    /** Reference specifies the Git reference to resolve and monitor for changes, defaults to the 'master' branch. */
    ref?: GitRepositoryRef;
    /** ServiceAccountName is the name of the Kubernetes ServiceAccount used to authenticate to the GitRepository. */
    serviceAccountName?: string;
    /** SparseCheckout specifies a list of directories to checkout when cloning the repository. */
    sparseCheckout?: string[];
    /** Verification specifies the configuration to verify the Git commit signature(s). */
    verify?: {
      /** Mode specifies which Git object(s) should be verified. */
      mode?: 'head' | 'HEAD' | 'Tag' | 'TagAndHEAD';
      /** SecretRef specifies the Secret containing the public keys of trusted Git authors. */
      secretRef: {
        /** Name of the referent. */
        name: string;
      };
    };
  };
  /** GitRepositoryStatus records the observed state of a Git repository. */
  status?: GitRepositoryStatusBase &
    GitRepositoryStatusV1AndV1beta2Base & {
      /** ObservedSparseCheckout is the observed list of directories used to produce the current Artifact. */
      observedSparseCheckout?: string[];
      /** SourceVerificationMode is the last used verification mode indicating which Git object(s) have been verified. */
      sourceVerificationMode?: string;
    };
}

/** GitRepository source.toolkit.fluxcd.io/v1beta1, served by Flux v2.6; deprecated. */
export interface GitRepositoryV1beta1 {
  apiVersion: 'source.toolkit.fluxcd.io/v1beta1';
  kind: 'GitRepository';
  metadata: ObjectMeta;
  /** GitRepositorySpec defines the desired state of a Git repository. */
  spec?: GitRepositorySpecBase & {
    /** AccessFrom defines an Access Control List for allowing cross-namespace references to this object. */
    accessFrom?: AccessFrom;
    /** Determines which git client library to use. */
    gitImplementation?: 'go-git' | 'libgit2';
    /** The Git reference to checkout and monitor for changes, defaults to master branch. */
    ref?: GitRepositoryRefBase;
    /** Verify OpenPGP signature for the Git commit HEAD points to. */
    verify?: {
      /** Mode describes what git object should be verified, currently ('head'). */
      mode: 'head';
      /** The secret name containing the public keys of all trusted Git authors. */
      secretRef?: {
        /** Name of the referent. */
        name: string;
      };
    };
  };
  /** GitRepositoryStatus defines the observed state of a Git repository. */
  status?: GitRepositoryStatusBase & {
    /** Artifact represents the output of the last successful repository sync. */
    artifact?: GitRepositoryArtifact;
    /**
     * IncludedArtifacts represents the included artifacts from the last successful repository sync.
     *
     * Items: Artifact represents the output of a source synchronisation.
     */
    includedArtifacts?: GitRepositoryArtifact[];
    /** URL is the download link for the artifact output of the last repository sync. */
    url?: string;
  };
}

/** GitRepository source.toolkit.fluxcd.io/v1beta2, served by Flux v2.6; deprecated. */
export interface GitRepositoryV1beta2 {
  apiVersion: 'source.toolkit.fluxcd.io/v1beta2';
  kind: 'GitRepository';
  metadata: ObjectMeta;
  /** GitRepositorySpec specifies the required configuration to produce an Artifact for a Git repository. */
  spec?: GitRepositorySpecBase & {
    /** AccessFrom specifies an Access Control List for allowing cross-namespace references to this object. */
    accessFrom?: AccessFrom;
    /** GitImplementation specifies which Git client library implementation to use. */
    gitImplementation?: 'go-git' | 'libgit2';
    /** Reference specifies the Git reference to resolve and monitor for changes, defaults to the 'master' branch. */
    ref?: GitRepositoryRef;
    /** Verification specifies the configuration to verify the Git commit signature(s). */
    verify?: {
      /** Mode specifies what Git object should be verified, currently ('head'). */
      mode: 'head';
      /** SecretRef specifies the Secret containing the public keys of trusted Git authors. */
      secretRef: {
        /** Name of the referent. */
        name: string;
      };
    };
  };
  /** GitRepositoryStatus records the observed state of a Git repository. */
  status?: GitRepositoryStatusBase &
    GitRepositoryStatusV1AndV1beta2Base & {
      /** ContentConfigChecksum is a checksum of all the configurations related to the content of the source artifact: - .spec.ignore - .spec.recurse… */
      contentConfigChecksum?: string;
      /** URL is the dynamic fetch link for the latest Artifact. */
      url?: string;
    };
}

/** HelmChart source.toolkit.fluxcd.io/v1, served by Flux v2.9 (storage), v2.6 (storage). */
export interface HelmChartV1 {
  apiVersion: 'source.toolkit.fluxcd.io/v1';
  kind: 'HelmChart';
  metadata: ObjectMeta;
  /** HelmChartSpec specifies the desired state of a Helm chart. */
  spec?: HelmChartSpecBase & {
    /** IgnoreMissingValuesFiles controls whether to silently ignore missing values files rather than failing. */
    ignoreMissingValuesFiles?: boolean;
    /** Verify contains the secret name containing the trusted public keys used to verify the signature and specifies which provider to use to chec… */
    verify?: Verify;
  };
  /** HelmChartStatus records the observed state of the HelmChart. */
  status?: HelmChartStatus;
}

/** HelmChart source.toolkit.fluxcd.io/v1beta1, served by Flux v2.6; deprecated. */
export interface HelmChartV1beta1 {
  apiVersion: 'source.toolkit.fluxcd.io/v1beta1';
  kind: 'HelmChart';
  metadata: ObjectMeta;
  /** HelmChartSpec defines the desired state of a Helm chart. */
  spec?: HelmChartSpecBase & {
    /** AccessFrom defines an Access Control List for allowing cross-namespace references to this object. */
    accessFrom?: AccessFrom;
    /** Alternative values file to use as the default chart values, expected to be a relative path in the SourceRef. */
    valuesFile?: string;
  };
  /** HelmChartStatus defines the observed state of the HelmChart. */
  status?: HelmChartV1beta1Status;
}

/** HelmChart source.toolkit.fluxcd.io/v1beta2, served by Flux v2.6; deprecated. */
export interface HelmChartV1beta2 {
  apiVersion: 'source.toolkit.fluxcd.io/v1beta2';
  kind: 'HelmChart';
  metadata: ObjectMeta;
  /** HelmChartSpec specifies the desired state of a Helm chart. */
  spec?: HelmChartSpecBase & {
    /** AccessFrom specifies an Access Control List for allowing cross-namespace references to this object. */
    accessFrom?: AccessFrom;
    /** IgnoreMissingValuesFiles controls whether to silently ignore missing values files rather than failing. */
    ignoreMissingValuesFiles?: boolean;
    /** ValuesFile is an alternative values file to use as the default chart values, expected to be a relative path in the SourceRef. */
    valuesFile?: string;
    /** Verify contains the secret name containing the trusted public keys used to verify the signature and specifies which provider to use to chec… */
    verify?: Verify;
  };
  /** HelmChartStatus records the observed state of the HelmChart. */
  status?: HelmChartStatus;
}

/** HelmRelease helm.toolkit.fluxcd.io/v2, served by Flux v2.9 (storage), v2.6 (storage). */
export interface HelmReleaseV2 {
  apiVersion: 'helm.toolkit.fluxcd.io/v2';
  kind: 'HelmRelease';
  metadata: ObjectMeta;
  /** HelmReleaseSpec defines the desired state of a Helm release. */
  spec?: HelmReleaseSpecBase & {
    /** Chart defines the template of the v1.HelmChart that should be created for this HelmRelease. */
    chart?: {
      /** ObjectMeta holds the template for metadata like labels and annotations. */
      metadata?: CommonMetadata;
      /** Spec holds the template for the v1.HelmChartSpec for this HelmRelease. */
      spec: HelmReleaseChartBase & {
        /** IgnoreMissingValuesFiles controls whether to silently ignore missing values files rather than failing. */
        ignoreMissingValuesFiles?: boolean;
        /** Verify contains the secret name containing the trusted public keys used to verify the signature and specifies which provider to use to chec… */
        verify?: ChartVerify;
      };
    };
    /** ChartRef holds a reference to a source controller resource containing the Helm chart artifact. */
    chartRef?: ChartRefBase & {
      /** Kind of the referent. */
      kind: 'OCIRepository' | 'HelmChart' | 'ExternalArtifact';
    };
    /** CommonMetadata specifies the common labels and annotations that are applied to all resources. */
    commonMetadata?: CommonMetadata;
    /**
     * DependsOn may contain a DependencyReference slice with references to HelmRelease resources that must be ready before this HelmRelease can b…
     *
     * Items: DependencyReference contains enough information to locate the referenced Kubernetes resource object and optional CEL expression to assess i…
     */
    dependsOn?: DependencyReference[];
    /**
     * HealthCheckExprs is a list of healthcheck expressions for evaluating the health of custom resources using Common Expression Language (CEL).
     *
     * Items: CustomHealthCheck defines the health check for custom resources.
     */
    healthCheckExprs?: CustomHealthCheck[];
    /** Install holds the configuration for Helm install actions for this HelmRelease. */
    install?: Install & {
      /** DisableSchemaValidation prevents the Helm install action from validating the values against the JSON Schema. */
      disableSchemaValidation?: boolean;
      /** DisableTakeOwnership disables taking ownership of existing resources during the Helm install action. */
      disableTakeOwnership?: boolean;
      /** ServerSideApply enables server-side apply for resources during install. */
      serverSideApply?: boolean;
      /** Strategy defines the install strategy to use for this HelmRelease. */
      strategy?: Strategy;
    };
    /** KubeConfig for reconciling the HelmRelease on a remote cluster. */
    kubeConfig?: KubeConfig;
    /** PostRenderStrategy defines the strategy for sending hooks to post-renderers. */
    postRenderStrategy?: 'nohooks' | 'combined' | 'separate';
    /**
     * PostRenderers holds an array of Helm PostRenderers, which will be applied in order of their definition.
     *
     * Items: PostRenderer contains a Helm PostRenderer specification.
     */
    postRenderers?: {
      /** Kustomization to apply as PostRenderer. */
      kustomize?: {
        /**
         * Images is a list of (image name, new name, new tag or digest) for changing image names, tags or digests.
         *
         * Items: Image contains an image name, a new name, a new tag or digest, which will replace the original name and tag.
         */
        images?: Image[];
        /**
         * Strategic merge and JSON patches, defined as inline YAML objects, capable of targeting objects based on kind, label and annotation selector…
         *
         * Items: Patch contains an inline StrategicMerge or JSON6902 patch, and the target the patch should be applied to.
         */
        patches?: Patch[];
      };
    }[];
    /** Rollback holds the configuration for Helm rollback actions for this HelmRelease. */
    rollback?: Rollback & {
      /** ServerSideApply enables server-side apply for resources during rollback. */
      serverSideApply?: 'enabled' | 'disabled' | 'auto';
    };
    /** Test holds the configuration for Helm test actions for this HelmRelease. */
    test?: Test;
    /** Upgrade holds the configuration for Helm upgrade actions for this HelmRelease. */
    upgrade?: Upgrade & {
      /** ChartNameChangeStrategy defines the strategy to use when a Helm chart name changes. */
      chartNameChangeStrategy?: 'InPlaceUpdate' | 'Reinstall';
      /** DisableSchemaValidation prevents the Helm upgrade action from validating the values against the JSON Schema. */
      disableSchemaValidation?: boolean;
      /** DisableTakeOwnership disables taking ownership of existing resources during the Helm upgrade action. */
      disableTakeOwnership?: boolean;
      /** ServerSideApply enables server-side apply for resources during upgrade. */
      serverSideApply?: 'enabled' | 'disabled' | 'auto';
      /** Strategy defines the upgrade strategy to use for this HelmRelease. */
      strategy?: Strategy;
    };
    /**
     * ValuesFrom holds references to resources containing Helm values for this HelmRelease, and information about how they should be merged.
     *
     * Items: ValuesReference contains a reference to a resource containing Helm values, and optionally the key they can be found at.
     */
    valuesFrom?: (ValuesReference & {
      /** Literal marks this ValuesReference as a literal value. */
      literal?: boolean;
    })[];
    /** WaitStrategy defines Helm's wait strategy for waiting for applied resources to become ready. */
    waitStrategy?: {
      /** Name is Helm's wait strategy for waiting for applied resources to become ready. */
      name: 'poller' | 'legacy';
    };
  };
  /** HelmReleaseStatus defines the observed state of a HelmRelease. */
  status?: HelmReleaseStatusBase & {
    /**
     * History holds the history of Helm releases performed for this HelmRelease up to the last successfully completed release.
     *
     * Items: Snapshot captures a point-in-time copy of the status information for a Helm release, as managed by the controller.
     */
    history?: (History & {
      /** Action is the action that resulted in this snapshot being created. */
      action?: string;
    })[];
    /** Inventory contains the list of Kubernetes resource object references that have been applied for this release. */
    inventory?: Inventory;
    /** LastAttemptedReleaseAction is the last release action performed for this HelmRelease. */
    lastAttemptedReleaseAction?: 'install' | 'upgrade';
    /** LastAttemptedReleaseActionDuration is the duration of the last release action performed for this HelmRelease. */
    lastAttemptedReleaseActionDuration?: string;
    /** LastAttemptedRevisionDigest is the digest of the last reconciliation attempt. */
    lastAttemptedRevisionDigest?: string;
    /** ObservedCommonMetadataDigest is the digest for the common metadata of the last successful reconciliation attempt. */
    observedCommonMetadataDigest?: string;
  };
}

/** HelmRelease helm.toolkit.fluxcd.io/v2beta1, served by Flux v2.6; deprecated. */
export interface HelmReleaseV2beta1 {
  apiVersion: 'helm.toolkit.fluxcd.io/v2beta1';
  kind: 'HelmRelease';
  metadata: ObjectMeta;
  /** HelmReleaseSpec defines the desired state of a Helm release. */
  spec?: HelmReleaseSpecBase &
    HelmReleaseSpecV2beta1AndV2beta2Base & {
      /** Chart defines the template of the v1beta2.HelmChart that should be created for this HelmRelease. */
      chart: {
        /** ObjectMeta holds the template for metadata like labels and annotations. */
        metadata?: CommonMetadata;
        /** Spec holds the template for the v1beta2.HelmChartSpec for this HelmRelease. */
        spec: HelmReleaseChartBase & {
          /** Alternative values file to use as the default chart values, expected to be a relative path in the SourceRef. */
          valuesFile?: string;
          /** Verify contains the secret name containing the trusted public keys used to verify the signature and specifies which provider to use to chec… */
          verify?: {
            /** Provider specifies the technology used to sign the OCI Helm chart. */
            provider: 'cosign';
            /** SecretRef specifies the Kubernetes Secret containing the trusted public keys. */
            secretRef?: {
              /** Name of the referent. */
              name: string;
            };
          };
        };
      };
      /** Test holds the configuration for Helm test actions for this HelmRelease. */
      test?: TestBase;
    };
  /** HelmReleaseStatus defines the observed state of a HelmRelease. */
  status?: HelmReleaseStatusBase & {
    /**
     * History holds the history of Helm releases performed for this HelmRelease up to the last successfully completed release.
     *
     * Items: Snapshot captures a point-in-time copy of the status information for a Helm release, as managed by the controller.
     */
    history?: History[];
    /** LastAppliedRevision is the revision of the last successfully applied source. */
    lastAppliedRevision?: string;
    /** LastAttemptedReleaseAction is the last release action performed for this HelmRelease. */
    lastAttemptedReleaseAction?: string;
  };
}

/** HelmRelease helm.toolkit.fluxcd.io/v2beta2, served by Flux v2.6; deprecated. */
export interface HelmReleaseV2beta2 {
  apiVersion: 'helm.toolkit.fluxcd.io/v2beta2';
  kind: 'HelmRelease';
  metadata: ObjectMeta;
  /** HelmReleaseSpec defines the desired state of a Helm release. */
  spec?: HelmReleaseSpecBase &
    HelmReleaseSpecV2beta1AndV2beta2Base & {
      /** Chart defines the template of the v1beta2.HelmChart that should be created for this HelmRelease. */
      chart?: {
        /** ObjectMeta holds the template for metadata like labels and annotations. */
        metadata?: CommonMetadata;
        /** Spec holds the template for the v1beta2.HelmChartSpec for this HelmRelease. */
        spec: HelmReleaseChartBase & {
          /** IgnoreMissingValuesFiles controls whether to silently ignore missing values files rather than failing. */
          ignoreMissingValuesFiles?: boolean;
          /** Alternative values file to use as the default chart values, expected to be a relative path in the SourceRef. */
          valuesFile?: string;
          /** Verify contains the secret name containing the trusted public keys used to verify the signature and specifies which provider to use to chec… */
          verify?: ChartVerify;
        };
      };
      /** Test holds the configuration for Helm test actions for this HelmRelease. */
      test?: Test;
    };
  /** HelmReleaseStatus defines the observed state of a HelmRelease. */
  status?: HelmReleaseStatusBase & {
    /**
     * History holds the history of Helm releases performed for this HelmRelease up to the last successfully completed release.
     *
     * Items: Snapshot captures a point-in-time copy of the status information for a Helm release, as managed by the controller.
     */
    history?: History[];
    /** LastAppliedRevision is the revision of the last successfully applied source. */
    lastAppliedRevision?: string;
    /** LastAttemptedReleaseAction is the last release action performed for this HelmRelease. */
    lastAttemptedReleaseAction?: 'install' | 'upgrade';
    /** LastAttemptedRevisionDigest is the digest of the last reconciliation attempt. */
    lastAttemptedRevisionDigest?: string;
  };
}

/** HelmRepository source.toolkit.fluxcd.io/v1, served by Flux v2.9 (storage), v2.6 (storage). */
export interface HelmRepositoryV1 {
  apiVersion: 'source.toolkit.fluxcd.io/v1';
  kind: 'HelmRepository';
  metadata: ObjectMeta;
  /** HelmRepositorySpec specifies the required configuration to produce an Artifact for a Helm repository index YAML. */
  spec?: HelmRepositorySpec;
  /** HelmRepositoryStatus records the observed state of the HelmRepository. */
  status?: HelmRepositoryStatus;
}

/** HelmRepository source.toolkit.fluxcd.io/v1beta1, served by Flux v2.6; deprecated. */
export interface HelmRepositoryV1beta1 {
  apiVersion: 'source.toolkit.fluxcd.io/v1beta1';
  kind: 'HelmRepository';
  metadata: ObjectMeta;
  /** HelmRepositorySpec defines the reference to a Helm repository. */
  spec?: HelmRepositorySpecBase & {
    /** The interval at which to check the upstream for updates. */
    interval: string;
  };
  /** HelmRepositoryStatus defines the observed state of the HelmRepository. */
  status?: HelmChartV1beta1Status;
}

/** HelmRepository source.toolkit.fluxcd.io/v1beta2, served by Flux v2.6; deprecated. */
export interface HelmRepositoryV1beta2 {
  apiVersion: 'source.toolkit.fluxcd.io/v1beta2';
  kind: 'HelmRepository';
  metadata: ObjectMeta;
  /** HelmRepositorySpec specifies the required configuration to produce an Artifact for a Helm repository index YAML. */
  spec?: HelmRepositorySpec;
  /** HelmRepositoryStatus records the observed state of the HelmRepository. */
  status?: HelmRepositoryStatus;
}

/** ImagePolicy image.toolkit.fluxcd.io/v1, served by Flux v2.9 (storage). */
export interface ImagePolicyV1 {
  apiVersion: 'image.toolkit.fluxcd.io/v1';
  kind: 'ImagePolicy';
  metadata: ObjectMeta;
  /** ImagePolicySpec defines the parameters for calculating the ImagePolicy. */
  spec?: ImagePolicySpecBase & {
    /** DigestReflectionPolicy governs the setting of the `.status.latestRef.digest` field. */
    digestReflectionPolicy?: 'Always' | 'IfNotPresent' | 'Never';
    /** Interval is the length of time to wait between refreshing the digest of the latest tag when the reflection policy is set to "Always". */
    interval?: string;
    /** This flag tells the controller to suspend subsequent policy reconciliations. */
    suspend?: boolean;
  };
  /** ImagePolicyStatus defines the observed state of ImagePolicy */
  status?: ImagePolicyStatusBase & {
    /** LastHandledReconcileAt holds the value of the most recent reconcile request value, so a change of the annotation value can be detected. */
    lastHandledReconcileAt?: string;
  };
}

/** ImagePolicy image.toolkit.fluxcd.io/v1beta1, served by Flux v2.6. */
export interface ImagePolicyV1beta1 {
  apiVersion: 'image.toolkit.fluxcd.io/v1beta1';
  kind: 'ImagePolicy';
  metadata: ObjectMeta;
  /** ImagePolicySpec defines the parameters for calculating the ImagePolicy */
  spec?: ImagePolicySpecBase;
  /** ImagePolicyStatus defines the observed state of ImagePolicy */
  status?: {
    conditions?: FluxCondition[];
    /** LatestImage gives the first in the list of images scanned by the image repository, when filtered and ordered according to the policy. */
    latestImage?: string;
    observedGeneration?: number;
  };
}

/** ImagePolicy image.toolkit.fluxcd.io/v1beta2, served by Flux v2.6 (storage). */
export interface ImagePolicyV1beta2 {
  apiVersion: 'image.toolkit.fluxcd.io/v1beta2';
  kind: 'ImagePolicy';
  metadata: ObjectMeta;
  /** ImagePolicySpec defines the parameters for calculating the ImagePolicy. */
  spec?: ImagePolicySpecBase & {
    /** DigestReflectionPolicy governs the setting of the `.status.latestRef.digest` field. */
    digestReflectionPolicy?: 'Always' | 'IfNotPresent' | 'Never';
    /** Interval is the length of time to wait between refreshing the digest of the latest tag when the reflection policy is set to "Always". */
    interval?: string;
  };
  /** ImagePolicyStatus defines the observed state of ImagePolicy */
  status?: ImagePolicyStatusBase & {
    /** LatestImage gives the first in the list of images scanned by the image repository, when filtered and ordered according to the policy. */
    latestImage?: string;
    /** ObservedPreviousImage is the observed previous LatestImage. */
    observedPreviousImage?: string;
  };
}

/** ImageRepository image.toolkit.fluxcd.io/v1, served by Flux v2.9 (storage). */
export interface ImageRepositoryV1 {
  apiVersion: 'image.toolkit.fluxcd.io/v1';
  kind: 'ImageRepository';
  metadata: ObjectMeta;
  /** ImageRepositorySpec defines the parameters for scanning an image repository, e.g., `fluxcd/flux`. */
  spec?: ImageRepositorySpec;
  /** ImageRepositoryStatus defines the observed state of ImageRepository */
  status?: ImageRepositoryStatusBase & {
    /** LastScanResult contains the number of fetched tags. */
    lastScanResult?: ImageRepositoryLastScanResultBase & {
      /** Revision is a stable hash of the scanned tags. */
      revision?: string;
    };
    /** ObservedExclusionList is a list of observed exclusion list. */
    observedExclusionList?: string[];
  };
}

/** ImageRepository image.toolkit.fluxcd.io/v1beta1, served by Flux v2.6. */
export interface ImageRepositoryV1beta1 {
  apiVersion: 'image.toolkit.fluxcd.io/v1beta1';
  kind: 'ImageRepository';
  metadata: ObjectMeta;
  /** ImageRepositorySpec defines the parameters for scanning an image repository, e.g., `fluxcd/flux`. */
  spec?: ImageRepositorySpecBase;
  /** ImageRepositoryStatus defines the observed state of ImageRepository */
  status?: ImageRepositoryStatusBase & {
    /** LastScanResult contains the number of fetched tags. */
    lastScanResult?: {
      scanTime?: string;
      tagCount: number;
    };
  };
}

/** ImageRepository image.toolkit.fluxcd.io/v1beta2, served by Flux v2.6 (storage). */
export interface ImageRepositoryV1beta2 {
  apiVersion: 'image.toolkit.fluxcd.io/v1beta2';
  kind: 'ImageRepository';
  metadata: ObjectMeta;
  /** ImageRepositorySpec defines the parameters for scanning an image repository, e.g., `fluxcd/flux`. */
  spec?: ImageRepositorySpec;
  /** ImageRepositoryStatus defines the observed state of ImageRepository */
  status?: ImageRepositoryStatusBase & {
    /** LastScanResult contains the number of fetched tags. */
    lastScanResult?: ImageRepositoryLastScanResultBase;
    /** ObservedExclusionList is a list of observed exclusion list. */
    observedExclusionList?: string[];
  };
}

/** ImageUpdateAutomation image.toolkit.fluxcd.io/v1, served by Flux v2.9 (storage). */
export interface ImageUpdateAutomationV1 {
  apiVersion: 'image.toolkit.fluxcd.io/v1';
  kind: 'ImageUpdateAutomation';
  metadata: ObjectMeta;
  /** ImageUpdateAutomationSpec defines the desired state of ImageUpdateAutomation */
  spec?: ImageUpdateAutomationSpecBase & {
    /** GitSpec contains all the git-specific definitions. */
    git?: {
      /** Checkout gives the parameters for cloning the git repository, ready to make changes. */
      checkout?: Checkout;
      /** Commit specifies how to commit to the git repository. */
      commit: ImageUpdateAutomationGitCommitBase & {
        /** SigningKey provides the option to sign commits with an OpenPGP or SSH signing key, referenced from a Secret. */
        signingKey?: {
          /** SecretRef references a Secret containing the signing key. */
          secretRef: {
            /** Name of the referent. */
            name: string;
          };
          /** Type selects the signing-key format expected in the referenced Secret. */
          type?: 'gpg' | 'ssh';
        };
      };
      /** Push specifies how and where to push commits made by the automation. */
      push?: Push;
    };
    /** PolicySelector allows to filter applied policies based on labels. */
    policySelector?: PolicySelector;
    /** Update gives the specification for how to update the files in the repository. */
    update?: {
      /** Path to the directory containing the manifests to be updated. */
      path?: string;
      /** Strategy names the strategy to be used. */
      strategy?: 'Setters';
    };
  };
  /** ImageUpdateAutomationStatus defines the observed state of ImageUpdateAutomation */
  status?: ImageUpdateAutomationStatus;
}

/** ImageUpdateAutomation image.toolkit.fluxcd.io/v1beta1, served by Flux v2.6; deprecated. */
export interface ImageUpdateAutomationV1beta1 {
  apiVersion: 'image.toolkit.fluxcd.io/v1beta1';
  kind: 'ImageUpdateAutomation';
  metadata: ObjectMeta;
  /** ImageUpdateAutomationSpec defines the desired state of ImageUpdateAutomation */
  spec?: ImageUpdateAutomationSpecBase & {
    /** GitSpec contains all the git-specific definitions. */
    git?: {
      /** Checkout gives the parameters for cloning the git repository, ready to make changes. */
      checkout?: Checkout;
      /** Commit specifies how to commit to the git repository. */
      commit: {
        /** Author gives the email and optionally the name to use as the author of commits. */
        author: Author;
        /** MessageTemplate provides a template for the commit message, into which will be interpolated the details of the change made. */
        messageTemplate?: string;
        /** SigningKey provides the option to sign commits with a GPG key */
        signingKey?: SigningKey;
      };
      /** Push specifies how and where to push commits made by the automation. */
      push?: Push;
    };
    /** Update gives the specification for how to update the files in the repository. */
    update?: Update;
  };
  /** ImageUpdateAutomationStatus defines the observed state of ImageUpdateAutomation */
  status?: ImageUpdateAutomationStatusBase;
}

/** ImageUpdateAutomation image.toolkit.fluxcd.io/v1beta2, served by Flux v2.6 (storage). */
export interface ImageUpdateAutomationV1beta2 {
  apiVersion: 'image.toolkit.fluxcd.io/v1beta2';
  kind: 'ImageUpdateAutomation';
  metadata: ObjectMeta;
  /** ImageUpdateAutomationSpec defines the desired state of ImageUpdateAutomation */
  spec?: ImageUpdateAutomationSpecBase & {
    /** GitSpec contains all the git-specific definitions. */
    git?: {
      /** Checkout gives the parameters for cloning the git repository, ready to make changes. */
      checkout?: Checkout;
      /** Commit specifies how to commit to the git repository. */
      commit: ImageUpdateAutomationGitCommitBase & {
        /** SigningKey provides the option to sign commits with a GPG key */
        signingKey?: SigningKey;
      };
      /** Push specifies how and where to push commits made by the automation. */
      push?: Push;
    };
    /** PolicySelector allows to filter applied policies based on labels. */
    policySelector?: PolicySelector;
    /** Update gives the specification for how to update the files in the repository. */
    update?: Update;
  };
  /** ImageUpdateAutomationStatus defines the observed state of ImageUpdateAutomation */
  status?: ImageUpdateAutomationStatus;
}

/** Kustomization kustomize.toolkit.fluxcd.io/v1, served by Flux v2.9 (storage), v2.6 (storage). */
export interface KustomizationV1 {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1';
  kind: 'Kustomization';
  metadata: ObjectMeta;
  /** KustomizationSpec defines the configuration to calculate the desired state from a Source using Kustomize. */
  spec?: KustomizationSpecBase &
    KustomizationSpecV1AndV1beta2Base & {
      /**
       * BuildMetadata specifies which kustomize build metadata should be added to the built resources.
       *
       * Items: BuildMetadataOption defines the supported buildMetadata options.
       */
      buildMetadata?: ('originAnnotations' | 'transformerAnnotations')[];
      /** Decrypt Kubernetes secrets before applying them on the cluster. */
      decryption?: {
        /** Provider is the name of the decryption engine. */
        provider: 'sops';
        /** The secret name containing the private OpenPGP keys used for decryption. */
        secretRef?: {
          /** Name of the referent. */
          name: string;
        };
        /** ServiceAccountName is the name of the service account used to authenticate with KMS services from cloud providers. */
        serviceAccountName?: string;
      };
      /** DeletionPolicy can be used to control garbage collection when this Kustomization is deleted. */
      deletionPolicy?: 'MirrorPrune' | 'Delete' | 'WaitForTermination' | 'Orphan';
      /**
       * DependsOn may contain a DependencyReference slice with references to Kustomization resources that must be ready before this Kustomization c…
       *
       * Items: DependencyReference contains enough information to locate the referenced Kubernetes resource object and optional CEL expression to assess i…
       */
      dependsOn?: DependencyReference[];
      /**
       * HealthCheckExprs is a list of healthcheck expressions for evaluating the health of custom resources using Common Expression Language (CEL).
       *
       * Items: CustomHealthCheck defines the health check for custom resources.
       */
      healthCheckExprs?: CustomHealthCheck[];
      /**
       * Ignore is a list of rules for specifying which changes to ignore during drift detection.
       *
       * Items: IgnoreRule defines a rule to selectively disregard specific changes during the drift detection process.
       */
      ignore?: IgnoreRule[];
      /** IgnoreMissingComponents instructs the controller to ignore Components paths not found in source by removing them from the generated kustomi… */
      ignoreMissingComponents?: boolean;
      /** The KubeConfig for reconciling the Kustomization on a remote cluster. */
      kubeConfig?: KubeConfig;
      /** NamePrefix will prefix the names of all managed resources. */
      namePrefix?: string;
      /** NameSuffix will suffix the names of all managed resources. */
      nameSuffix?: string;
      /** PostBuild describes which actions to perform on the YAML manifest generated by building the kustomize overlay. */
      postBuild?: {
        /** Substitute holds a map of key/value pairs. */
        substitute?: {
          [k: string]: string | undefined;
        };
        /**
         * SubstituteFrom holds references to ConfigMaps and Secrets containing the variables and their values to be substituted in the YAML manifests.
         *
         * Items: SubstituteReference contains a reference to a resource containing the variables name and value.
         */
        substituteFrom?: SubstituteReference[];
        /** SubstituteStrategy defines the strategy for substituting variables in the YAML manifests. */
        substituteStrategy?: 'WithVariables' | 'Always';
      };
      /** Reference of the source where the kustomization file is. */
      sourceRef: KustomizationSourceRefBase & {
        /** Kind of the referent. */
        kind: 'OCIRepository' | 'GitRepository' | 'Bucket' | 'ExternalArtifact';
      };
    };
  /** KustomizationStatus defines the observed state of a kustomization. */
  status?: KustomizationStatusBase & {
    /**
     * History contains a set of snapshots of the last reconciliation attempts tracking the revision, the state and the duration of each attempt.
     *
     * Items: Snapshot represents a point-in-time record of a group of resources reconciliation, including timing information, status, and a unique diges…
     */
    history?: {
      /** Digest is the checksum in the format `<algo>:<hex>` of the resources in this snapshot. */
      digest: string;
      /** FirstReconciled is the time when this revision was first reconciled to the cluster. */
      firstReconciled: string;
      /** LastReconciled is the time when this revision was last reconciled to the cluster. */
      lastReconciled: string;
      /** LastReconciledDuration is time it took to reconcile the resources in this revision. */
      lastReconciledDuration: string;
      /** LastReconciledStatus is the status of the last reconciliation. */
      lastReconciledStatus: string;
      /** Metadata contains additional information about the snapshot. */
      metadata?: {
        [k: string]: string | undefined;
      };
      /** TotalReconciliations is the total number of reconciliations that have occurred for this snapshot. */
      totalReconciliations: number;
    }[];
    /** Inventory contains the list of Kubernetes resource object references that have been successfully applied. */
    inventory?: Inventory;
    /** The last successfully applied origin revision. */
    lastAppliedOriginRevision?: string;
  };
}

/** Kustomization kustomize.toolkit.fluxcd.io/v1beta1, served by Flux v2.6; deprecated. */
export interface KustomizationV1beta1 {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1beta1';
  kind: 'Kustomization';
  metadata: ObjectMeta;
  /** KustomizationSpec defines the desired state of a kustomization. */
  spec?: KustomizationSpecBase &
    KustomizationSpecV1beta1AndV1beta2Base & {
      /** The KubeConfig for reconciling the Kustomization on a remote cluster. */
      kubeConfig?: SigningKey;
      /** PostBuild describes which actions to perform on the YAML manifest generated by building the kustomize overlay. */
      postBuild?: {
        /** Substitute holds a map of key/value pairs. */
        substitute?: {
          [k: string]: string | undefined;
        };
        /**
         * SubstituteFrom holds references to ConfigMaps and Secrets containing the variables and their values to be substituted in the YAML manifests.
         *
         * Items: SubstituteReference contains a reference to a resource containing the variables name and value.
         */
        substituteFrom?: {
          /** Kind of the values referent, valid values are ('Secret', 'ConfigMap'). */
          kind: 'Secret' | 'ConfigMap';
          /** Name of the values referent. */
          name: string;
        }[];
      };
      /** Reference of the source where the kustomization file is. */
      sourceRef: KustomizationSourceRefBase & {
        /** Kind of the referent */
        kind: 'GitRepository' | 'Bucket';
      };
    };
  /** KustomizationStatus defines the observed state of a kustomization. */
  status?: KustomizationStatusBase & {
    /** The last successfully applied revision metadata. */
    snapshot?: {
      /** The manifests sha1 checksum. */
      checksum: string;
      /**
       * A list of Kubernetes kinds grouped by namespace.
       *
       * Items: Snapshot holds the metadata of namespaced Kubernetes objects
       */
      entries: {
        /** The list of Kubernetes kinds. */
        kinds: {
          [k: string]: string | undefined;
        };
        /** The namespace of this entry. */
        namespace?: string;
      }[];
    };
  };
}

/** Kustomization kustomize.toolkit.fluxcd.io/v1beta2, served by Flux v2.6; deprecated. */
export interface KustomizationV1beta2 {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1beta2';
  kind: 'Kustomization';
  metadata: ObjectMeta;
  /** KustomizationSpec defines the configuration to calculate the desired state from a Source using Kustomize. */
  spec?: KustomizationSpecBase &
    KustomizationSpecV1AndV1beta2Base &
    KustomizationSpecV1beta1AndV1beta2Base & {
      /** The KubeConfig for reconciling the Kustomization on a remote cluster. */
      kubeConfig?: HelmReleaseKubeConfig;
      /** PostBuild describes which actions to perform on the YAML manifest generated by building the kustomize overlay. */
      postBuild?: {
        /** Substitute holds a map of key/value pairs. */
        substitute?: {
          [k: string]: string | undefined;
        };
        /**
         * SubstituteFrom holds references to ConfigMaps and Secrets containing the variables and their values to be substituted in the YAML manifests.
         *
         * Items: SubstituteReference contains a reference to a resource containing the variables name and value.
         */
        substituteFrom?: SubstituteReference[];
      };
      /** Reference of the source where the kustomization file is. */
      sourceRef: KustomizationSourceRefBase & {
        /** Kind of the referent. */
        kind: 'OCIRepository' | 'GitRepository' | 'Bucket';
      };
    };
  /** KustomizationStatus defines the observed state of a kustomization. */
  status?: KustomizationStatusBase & {
    /** Inventory contains the list of Kubernetes resource object references that have been successfully applied. */
    inventory?: Inventory;
  };
}

/** OCIRepository source.toolkit.fluxcd.io/v1, served by Flux v2.9 (storage), v2.6 (storage). */
export interface OCIRepositoryV1 {
  apiVersion: 'source.toolkit.fluxcd.io/v1';
  kind: 'OCIRepository';
  metadata: ObjectMeta;
  /** OCIRepositorySpec defines the desired state of OCIRepository */
  spec?: OCIRepositorySpecBase & {
    /** Verify contains the secret name containing the trusted public keys used to verify the signature and specifies which provider to use to chec… */
    verify?: Verify & {
      /** TrustedRootSecretRef specifies the Kubernetes Secret containing a Sigstore trusted_root.json file. */
      trustedRootSecretRef?: {
        /** Name of the referent. */
        name: string;
      };
    };
  };
  /** OCIRepositoryStatus defines the observed state of OCIRepository */
  status?: OCIRepositoryStatusBase;
}

/** OCIRepository source.toolkit.fluxcd.io/v1beta2, served by Flux v2.6; deprecated. */
export interface OCIRepositoryV1beta2 {
  apiVersion: 'source.toolkit.fluxcd.io/v1beta2';
  kind: 'OCIRepository';
  metadata: ObjectMeta;
  /** OCIRepositorySpec defines the desired state of OCIRepository */
  spec?: OCIRepositorySpecBase & {
    /** Verify contains the secret name containing the trusted public keys used to verify the signature and specifies which provider to use to chec… */
    verify?: Verify;
  };
  /** OCIRepositoryStatus defines the observed state of OCIRepository */
  status?: OCIRepositoryStatusBase & {
    /** ContentConfigChecksum is a checksum of all the configurations related to the content of the source artifact: - .spec.ignore - .spec.layerSe… */
    contentConfigChecksum?: string;
  };
}

// Parts that stand in more than one place above (another version or line of the kind, or another kind).

/** AccessFrom defines an Access Control List for allowing cross-namespace references to this object. */
export type AccessFrom = {
  /**
   * NamespaceSelectors is the list of namespace selectors to which this ACL applies.
   *
   * Items: NamespaceSelector selects the namespaces to which this ACL applies.
   */
  namespaceSelectors: {
    /** MatchLabels is a map of {key,value} pairs. */
    matchLabels?: {
      [k: string]: string | undefined;
    };
  }[];
};

/** Artifact represents the last successful GitRepository reconciliation. */
export type Artifact = {
  /** Digest is the digest of the file in the form of '<algorithm>:<checksum>'. */
  digest?: string;
  /** LastUpdateTime is the timestamp corresponding to the last update of the Artifact. */
  lastUpdateTime: string;
  /** Metadata holds upstream information such as OCI annotations. */
  metadata?: {
    [k: string]: string | undefined;
  };
  /** Path is the relative file path of the Artifact. */
  path: string;
  /** Revision is a human-readable identifier traceable in the origin source system. */
  revision: string;
  /** Size is the number of bytes in the file. */
  size?: number;
  /** URL is the HTTP address of the Artifact as exposed by the controller managing the Source. */
  url: string;
};

/** Author gives the email and optionally the name to use as the author of commits. */
export type Author = {
  /** Email gives the email to provide when making a commit. */
  email: string;
  /** Name gives the name to provide when making a commit. */
  name?: string;
};

/** ChartRef holds a reference to a source controller resource containing the Helm chart artifact. */
export type ChartRef = ChartRefBase & {
  /** Kind of the referent. */
  kind: 'OCIRepository' | 'HelmChart';
};

/** What HelmReleaseV2, ChartRef share in spec.chartRef. */
export type ChartRefBase = {
  /** APIVersion of the referent. */
  apiVersion?: string;
  /** Name of the referent. */
  name: string;
  /** Namespace of the referent, defaults to the namespace of the Kubernetes resource object that contains the reference. */
  namespace?: string;
};

/** Verify contains the secret name containing the trusted public keys used to verify the signature and specifies which provider to use to chec… */
export type ChartVerify = {
  /** Provider specifies the technology used to sign the OCI Helm chart. */
  provider: 'cosign' | 'notation';
  /** SecretRef specifies the Kubernetes Secret containing the trusted public keys. */
  secretRef?: {
    /** Name of the referent. */
    name: string;
  };
};

/** Checkout gives the parameters for cloning the git repository, ready to make changes. */
export type Checkout = {
  /** Reference gives a branch, tag or commit to clone from the Git repository. */
  ref: GitRepositoryRef;
};

/** ObjectMeta holds the template for metadata like labels and annotations. */
export type CommonMetadata = {
  /** Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metad… */
  annotations?: {
    [k: string]: string | undefined;
  };
  /** Map of string keys and values that can be used to organize and categorize (scope and select) objects. */
  labels?: {
    [k: string]: string | undefined;
  };
};

/** CustomHealthCheck defines the health check for custom resources. */
export type CustomHealthCheck = {
  /** APIVersion of the custom resource under evaluation. */
  apiVersion: string;
  /** Current is the CEL expression that determines if the status of the custom resource has reached the desired state. */
  current: string;
  /** Failed is the CEL expression that determines if the status of the custom resource has failed to reach the desired state. */
  failed?: string;
  /** InProgress is the CEL expression that determines if the status of the custom resource has not yet reached the desired state. */
  inProgress?: string;
  /** Kind of the custom resource under evaluation. */
  kind?: string;
};

/** Decrypt Kubernetes secrets before applying them on the cluster. */
export type Decryption = {
  /** Provider is the name of the decryption engine. */
  provider: 'sops';
  /** The secret name containing the private OpenPGP keys used for decryption. */
  secretRef?: {
    /** Name of the referent. */
    name: string;
  };
};

/** DependencyReference contains enough information to locate the referenced Kubernetes resource object and optional CEL expression to assess i… */
export type DependencyReference = {
  /** Name of the referent. */
  name: string;
  /** Namespace of the referent, defaults to the namespace of the resource object that contains the reference. */
  namespace?: string;
  /** ReadyExpr is a CEL expression that can be used to assess the readiness of a dependency. */
  readyExpr?: string;
};

/** DriftDetection holds the configuration for detecting and handling differences between the manifest in the Helm storage and the resources cu… */
export type DriftDetection = {
  /**
   * Ignore contains a list of rules for specifying which changes to ignore during diffing.
   *
   * Items: IgnoreRule defines a rule to selectively disregard specific changes during the drift detection process.
   */
  ignore?: IgnoreRule[];
  /** Mode defines how differences should be handled between the Helm manifest and the manifest currently applied to the cluster. */
  mode?: 'enabled' | 'warn' | 'disabled';
};

/** FilterTags enables filtering for only a subset of tags based on a set of rules. */
export type FilterTags = {
  /** Extract allows a capture group to be extracted from the specified regular expression pattern, useful before tag evaluation. */
  extract?: string;
  /** Pattern specifies a regular expression pattern used to filter for image tags. */
  pattern?: string;
};

/** Artifact represents the output of the last successful repository sync. */
export type GitRepositoryArtifact = {
  /** Checksum is the SHA256 checksum of the artifact. */
  checksum?: string;
  /** LastUpdateTime is the timestamp corresponding to the last update of this artifact. */
  lastUpdateTime: string;
  /** Path is the relative file path of this artifact. */
  path: string;
  /** Revision is a human readable identifier traceable in the origin source system. */
  revision?: string;
  /** URL is the HTTP address of this artifact. */
  url: string;
};

/** GitRepositoryInclude specifies a local reference to a GitRepository which Artifact (sub-)contents must be included, and where they should b… */
export type GitRepositoryInclude = {
  /** FromPath specifies the path to copy contents from, defaults to the root of the Artifact. */
  fromPath?: string;
  /** GitRepositoryRef specifies the GitRepository which Artifact contents must be included. */
  repository: {
    /** Name of the referent. */
    name: string;
  };
  /** ToPath specifies the path to copy contents to, defaults to the name of the GitRepositoryRef. */
  toPath?: string;
};

/** Reference specifies the Git reference to resolve and monitor for changes, defaults to the 'master' branch. */
export type GitRepositoryRef = GitRepositoryRefBase & {
  /** Name of the reference to check out; takes precedence over Branch, Tag and SemVer. */
  name?: string;
};

/** What GitRepositoryV1beta1, GitRepositoryRef share in spec.ref. */
export type GitRepositoryRefBase = {
  /** The Git branch to checkout, defaults to master. */
  branch?: string;
  /** The Git commit SHA to checkout, if specified Tag filters will be ignored. */
  commit?: string;
  /** The Git tag semver expression, takes precedence over Tag. */
  semver?: string;
  /** The Git tag to checkout, takes precedence over Branch. */
  tag?: string;
};

/** What GitRepositoryV1, GitRepositoryV1beta1, GitRepositoryV1beta2 share in spec. */
export type GitRepositorySpecBase = {
  /** Ignore overrides the set of excluded patterns in the .sourceignore format (which is the same as .gitignore). */
  ignore?: string;
  /**
   * Include specifies a list of GitRepository resources which Artifacts should be included in the Artifact produced for this GitRepository.
   *
   * Items: GitRepositoryInclude specifies a local reference to a GitRepository which Artifact (sub-)contents must be included, and where they should b…
   */
  include?: GitRepositoryInclude[];
  /** Interval at which the GitRepository URL is checked for updates. */
  interval: string;
  /** RecurseSubmodules enables the initialization of all submodules within the GitRepository as cloned from the URL, using their default setting… */
  recurseSubmodules?: boolean;
  /** SecretRef specifies the Secret containing authentication credentials for the GitRepository. */
  secretRef?: {
    /** Name of the referent. */
    name: string;
  };
  /** Suspend tells the controller to suspend the reconciliation of this GitRepository. */
  suspend?: boolean;
  /** Timeout for Git operations like cloning, defaults to 60s. */
  timeout?: string;
  /** URL specifies the Git repository URL, it can be an HTTP/S or SSH address. */
  url: string;
};

/** What GitRepositoryV1, GitRepositoryV1beta1, GitRepositoryV1beta2 share in status. */
export type GitRepositoryStatusBase = {
  /** Conditions holds the conditions for the GitRepository. */
  conditions?: FluxCondition[];
  /** LastHandledReconcileAt holds the value of the most recent reconcile request value, so a change of the annotation value can be detected. */
  lastHandledReconcileAt?: string;
  /** ObservedGeneration is the last observed generation of the GitRepository object. */
  observedGeneration?: number;
};

/** What GitRepositoryV1, GitRepositoryV1beta2 share in status. */
export type GitRepositoryStatusV1AndV1beta2Base = {
  /** Artifact represents the last successful GitRepository reconciliation. */
  artifact?: Artifact;
  /**
   * IncludedArtifacts contains a list of the last successfully included Artifacts as instructed by GitRepositorySpec.Include.
   *
   * Items: Artifact represents the output of a Source reconciliation.
   */
  includedArtifacts?: Artifact[];
  /** ObservedIgnore is the observed exclusion patterns used for constructing the source artifact. */
  observedIgnore?: string;
  /**
   * ObservedInclude is the observed list of GitRepository resources used to produce the current Artifact.
   *
   * Items: GitRepositoryInclude specifies a local reference to a GitRepository which Artifact (sub-)contents must be included, and where they should b…
   */
  observedInclude?: GitRepositoryInclude[];
  /** ObservedRecurseSubmodules is the observed resource submodules configuration used to produce the current Artifact. */
  observedRecurseSubmodules?: boolean;
};

/** SourceRef is the reference to the Source the chart is available at. */
export type HelmChartSourceRef = {
  /** APIVersion of the referent. */
  apiVersion?: string;
  /** Kind of the referent, valid values are ('HelmRepository', 'GitRepository', 'Bucket'). */
  kind: 'HelmRepository' | 'GitRepository' | 'Bucket';
  /** Name of the referent. */
  name: string;
};

/** What HelmChartV1, HelmChartV1beta1, HelmChartV1beta2 share in spec. */
export type HelmChartSpecBase = {
  /** Chart is the name or path the Helm chart is available at in the SourceRef. */
  chart: string;
  /** Interval at which the HelmChart SourceRef is checked for updates. */
  interval: string;
  /** ReconcileStrategy determines what enables the creation of a new artifact. */
  reconcileStrategy?: 'ChartVersion' | 'Revision';
  /** SourceRef is the reference to the Source the chart is available at. */
  sourceRef: HelmChartSourceRef;
  /** Suspend tells the controller to suspend the reconciliation of this source. */
  suspend?: boolean;
  /** ValuesFiles is an alternative list of values files to use as the chart values (values.yaml is not included by default), expected to be a re… */
  valuesFiles?: string[];
  /** Version is the chart version semver expression, ignored for charts from GitRepository and Bucket sources. */
  version?: string;
};

/** HelmChartStatus records the observed state of the HelmChart. */
export type HelmChartStatus = {
  /** Artifact represents the output of the last successful reconciliation. */
  artifact?: Artifact;
  /** Conditions holds the conditions for the HelmChart. */
  conditions?: FluxCondition[];
  /** LastHandledReconcileAt holds the value of the most recent reconcile request value, so a change of the annotation value can be detected. */
  lastHandledReconcileAt?: string;
  /** ObservedChartName is the last observed chart name as specified by the resolved chart reference. */
  observedChartName?: string;
  /** ObservedGeneration is the last observed generation of the HelmChart object. */
  observedGeneration?: number;
  /** ObservedSourceArtifactRevision is the last observed Artifact.Revision of the HelmChartSpec.SourceRef. */
  observedSourceArtifactRevision?: string;
  /** ObservedValuesFiles are the observed value files of the last successful reconciliation. */
  observedValuesFiles?: string[];
  /** URL is the dynamic fetch link for the latest Artifact. */
  url?: string;
};

/** HelmChartStatus defines the observed state of the HelmChart. */
export type HelmChartV1beta1Status = {
  /** Artifact represents the output of the last successful chart sync. */
  artifact?: GitRepositoryArtifact;
  /** Conditions holds the conditions for the HelmChart. */
  conditions?: FluxCondition[];
  /** LastHandledReconcileAt holds the value of the most recent reconcile request value, so a change of the annotation value can be detected. */
  lastHandledReconcileAt?: string;
  /** ObservedGeneration is the last observed generation. */
  observedGeneration?: number;
  /** URL is the download link for the last chart pulled. */
  url?: string;
};

/** What HelmReleaseV2, HelmReleaseV2beta1, HelmReleaseV2beta2 share in spec.chart.spec. */
export type HelmReleaseChartBase = {
  /** The name or path the Helm chart is available at in the SourceRef. */
  chart: string;
  /** Interval at which to check the v1.Source for updates. */
  interval?: string;
  /** Determines what enables the creation of a new artifact. */
  reconcileStrategy?: 'ChartVersion' | 'Revision';
  /** The name and namespace of the v1.Source the chart is available at. */
  sourceRef: SourceRef;
  /** Alternative list of values files to use as the chart values (values.yaml is not included by default), expected to be a relative path in the… */
  valuesFiles?: string[];
  /** Version semver expression, ignored for charts from v1.GitRepository and v1beta2.Bucket sources. */
  version?: string;
};

/** KubeConfig for reconciling the HelmRelease on a remote cluster. */
export type HelmReleaseKubeConfig = {
  /** SecretRef holds the name of a secret that contains a key with the kubeconfig file as the value. */
  secretRef: SecretRef;
};

/** What HelmReleaseV2, HelmReleaseV2beta1, HelmReleaseV2beta2 share in spec. */
export type HelmReleaseSpecBase = {
  /** DriftDetection holds the configuration for detecting and handling differences between the manifest in the Helm storage and the resources cu… */
  driftDetection?: DriftDetection;
  /** Interval at which to reconcile the Helm release. */
  interval: string;
  /** MaxHistory is the number of revisions saved by Helm for this HelmRelease. */
  maxHistory?: number;
  /** PersistentClient tells the controller to use a persistent Kubernetes client for this release. */
  persistentClient?: boolean;
  /** ReleaseName used for the Helm release. */
  releaseName?: string;
  /** The name of the Kubernetes service account to impersonate when reconciling this HelmRelease. */
  serviceAccountName?: string;
  /** StorageNamespace used for the Helm storage. */
  storageNamespace?: string;
  /** Suspend tells the controller to suspend reconciliation for this HelmRelease, it does not apply to already started reconciliations. */
  suspend?: boolean;
  /** TargetNamespace to target when performing operations for the HelmRelease. */
  targetNamespace?: string;
  /** Timeout is the time to wait for any individual Kubernetes operation (like Jobs for hooks) during the performance of a Helm action. */
  timeout?: string;
  /** Uninstall holds the configuration for Helm uninstall actions for this HelmRelease. */
  uninstall?: Uninstall;
  /** Values holds the values for this Helm release. */
  values?: unknown;
};

/** What HelmReleaseV2beta1, HelmReleaseV2beta2 share in spec. */
export type HelmReleaseSpecV2beta1AndV2beta2Base = {
  /** ChartRef holds a reference to a source controller resource containing the Helm chart artifact. */
  chartRef?: ChartRef;
  /**
   * DependsOn may contain a meta.NamespacedObjectReference slice with references to HelmRelease resources that must be ready before this HelmRe…
   *
   * Items: NamespacedObjectReference contains enough information to locate the referenced Kubernetes resource object in any namespace.
   */
  dependsOn?: NamespacedObjectReference[];
  /** Install holds the configuration for Helm install actions for this HelmRelease. */
  install?: Install;
  /** KubeConfig for reconciling the HelmRelease on a remote cluster. */
  kubeConfig?: HelmReleaseKubeConfig;
  /**
   * PostRenderers holds an array of Helm PostRenderers, which will be applied in order of their definition.
   *
   * Items: PostRenderer contains a Helm PostRenderer specification.
   */
  postRenderers?: PostRenderer[];
  /** Rollback holds the configuration for Helm rollback actions for this HelmRelease. */
  rollback?: Rollback;
  /** Upgrade holds the configuration for Helm upgrade actions for this HelmRelease. */
  upgrade?: Upgrade;
  /**
   * ValuesFrom holds references to resources containing Helm values for this HelmRelease, and information about how they should be merged.
   *
   * Items: ValuesReference contains a reference to a resource containing Helm values, and optionally the key they can be found at.
   */
  valuesFrom?: ValuesReference[];
};

/** What HelmReleaseV2, HelmReleaseV2beta1, HelmReleaseV2beta2 share in status. */
export type HelmReleaseStatusBase = {
  /** Conditions holds the conditions for the HelmRelease. */
  conditions?: FluxCondition[];
  /** Failures is the reconciliation failure count against the latest desired state. */
  failures?: number;
  /** HelmChart is the namespaced name of the HelmChart resource created by the controller for the HelmRelease. */
  helmChart?: string;
  /** InstallFailures is the install failure count against the latest desired state. */
  installFailures?: number;
  /** LastAttemptedConfigDigest is the digest for the config (better known as "values") of the last reconciliation attempt. */
  lastAttemptedConfigDigest?: string;
  /** LastAttemptedGeneration is the last generation the controller attempted to reconcile. */
  lastAttemptedGeneration?: number;
  /** LastAttemptedRevision is the Source revision of the last reconciliation attempt. */
  lastAttemptedRevision?: string;
  /** LastAttemptedValuesChecksum is the SHA1 checksum for the values of the last reconciliation attempt. */
  lastAttemptedValuesChecksum?: string;
  /** LastHandledForceAt holds the value of the most recent force request value, so a change of the annotation value can be detected. */
  lastHandledForceAt?: string;
  /** LastHandledReconcileAt holds the value of the most recent reconcile request value, so a change of the annotation value can be detected. */
  lastHandledReconcileAt?: string;
  /** LastHandledResetAt holds the value of the most recent reset request value, so a change of the annotation value can be detected. */
  lastHandledResetAt?: string;
  /** LastReleaseRevision is the revision of the last successful Helm release. */
  lastReleaseRevision?: number;
  /** ObservedGeneration is the last observed generation. */
  observedGeneration?: number;
  /** ObservedPostRenderersDigest is the digest for the post-renderers of the last successful reconciliation attempt. */
  observedPostRenderersDigest?: string;
  /** StorageNamespace is the namespace of the Helm release storage for the current release. */
  storageNamespace?: string;
  /** UpgradeFailures is the upgrade failure count against the latest desired state. */
  upgradeFailures?: number;
};

/** HelmRepositorySpec specifies the required configuration to produce an Artifact for a Helm repository index YAML. */
export type HelmRepositorySpec = HelmRepositorySpecBase & {
  /** CertSecretRef can be given the name of a Secret containing either or both of */
  certSecretRef?: {
    /** Name of the referent. */
    name: string;
  };
  /** Insecure allows connecting to a non-TLS HTTP container registry. */
  insecure?: boolean;
  /** Interval at which the HelmRepository URL is checked for updates. */
  interval?: string;
  /** Provider used for authentication, can be 'aws', 'azure', 'gcp' or 'generic'. */
  provider?: 'generic' | 'aws' | 'azure' | 'gcp';
  /** Type of the HelmRepository. */
  type?: 'default' | 'oci';
};

/** What HelmRepositoryV1beta1, HelmRepositorySpec share in spec. */
export type HelmRepositorySpecBase = {
  /** AccessFrom defines an Access Control List for allowing cross-namespace references to this object. */
  accessFrom?: AccessFrom;
  /** PassCredentials allows the credentials from the SecretRef to be passed on to a host that does not match the host as defined in URL. */
  passCredentials?: boolean;
  /** The name of the secret containing authentication credentials for the Helm repository. */
  secretRef?: {
    /** Name of the referent. */
    name: string;
  };
  /** This flag tells the controller to suspend the reconciliation of this source. */
  suspend?: boolean;
  /** The timeout of index downloading, defaults to 60s. */
  timeout?: string;
  /** The Helm repository URL, a valid URL contains at least a protocol and host. */
  url: string;
};

/** HelmRepositoryStatus records the observed state of the HelmRepository. */
export type HelmRepositoryStatus = {
  /** Artifact represents the last successful HelmRepository reconciliation. */
  artifact?: Artifact;
  /** Conditions holds the conditions for the HelmRepository. */
  conditions?: FluxCondition[];
  /** LastHandledReconcileAt holds the value of the most recent reconcile request value, so a change of the annotation value can be detected. */
  lastHandledReconcileAt?: string;
  /** ObservedGeneration is the last observed generation of the HelmRepository object. */
  observedGeneration?: number;
  /** URL is the dynamic fetch link for the latest Artifact. */
  url?: string;
};

/** Snapshot captures a point-in-time copy of the status information for a Helm release, as managed by the controller. */
export type History = {
  /** APIVersion is the API version of the Snapshot. */
  apiVersion?: string;
  /** AppVersion is the chart app version of the release object in storage. */
  appVersion?: string;
  /** ChartName is the chart name of the release object in storage. */
  chartName: string;
  /** ChartVersion is the chart version of the release object in storage. */
  chartVersion: string;
  /** ConfigDigest is the checksum of the config (better known as "values") of the release object in storage. */
  configDigest: string;
  /** Deleted is when the release was deleted. */
  deleted?: string;
  /** Digest is the checksum of the release object in storage. */
  digest: string;
  /** FirstDeployed is when the release was first deployed. */
  firstDeployed: string;
  /** LastDeployed is when the release was last deployed. */
  lastDeployed: string;
  /** Name is the name of the release. */
  name: string;
  /** Namespace is the namespace the release is deployed to. */
  namespace: string;
  /** OCIDigest is the digest of the OCI artifact associated with the release. */
  ociDigest?: string;
  /** Status is the current state of the release. */
  status: string;
  /** TestHooks is the list of test hooks for the release as observed to be run by the controller. */
  testHooks?: {
    /** TestHookStatus holds the status information for a test hook as observed to be run by the controller. */
    [k: string]: TestHooks | undefined;
  };
  /** Version is the version of the release object in storage. */
  version: number;
};

/** IgnoreRule defines a rule to selectively disregard specific changes during the drift detection process. */
export type IgnoreRule = {
  /** Paths is a list of JSON Pointer (RFC 6901) paths to be excluded from consideration in a Kubernetes object. */
  paths: string[];
  /** Target is a selector for specifying Kubernetes objects to which this rule applies. */
  target?: Target;
};

/** Image contains an image name, a new name, a new tag or digest, which will replace the original name and tag. */
export type Image = {
  /** Digest is the value used to replace the original image tag. */
  digest?: string;
  /** Name is a tag-less image name. */
  name: string;
  /** NewName is the value used to replace the original name. */
  newName?: string;
  /** NewTag is the value used to replace the original tag. */
  newTag?: string;
};

/** What ImagePolicyV1, ImagePolicyV1beta1, ImagePolicyV1beta2 share in spec. */
export type ImagePolicySpecBase = {
  /** FilterTags enables filtering for only a subset of tags based on a set of rules. */
  filterTags?: FilterTags;
  /** ImageRepositoryRef points at the object specifying the image being scanned */
  imageRepositoryRef: NamespacedObjectReference;
  /** Policy gives the particulars of the policy to be followed in selecting the most recent image */
  policy: Policy;
};

/** What ImagePolicyV1, ImagePolicyV1beta2 share in status. */
export type ImagePolicyStatusBase = {
  conditions?: FluxCondition[];
  /** LatestRef gives the first in the list of images scanned by the image repository, when filtered and ordered according to the policy. */
  latestRef?: LatestRef;
  observedGeneration?: number;
  /** ObservedPreviousRef is the observed previous LatestRef. */
  observedPreviousRef?: LatestRef;
};

/** What ImageRepositoryV1, ImageRepositoryV1beta2 share in status.lastScanResult. */
export type ImageRepositoryLastScanResultBase = {
  /** LatestTags is a small sample of the tags found in the last scan. */
  latestTags?: string[];
  /** ScanTime is the time when the last scan was performed. */
  scanTime?: string;
  /** TagCount is the number of tags found in the last scan. */
  tagCount: number;
};

/** ImageRepositorySpec defines the parameters for scanning an image repository, e.g., `fluxcd/flux`. */
export type ImageRepositorySpec = ImageRepositorySpecBase & {
  /** Insecure allows connecting to a non-TLS HTTP container registry. */
  insecure?: boolean;
  /** The provider used for authentication, can be 'aws', 'azure', 'gcp' or 'generic'. */
  provider?: 'generic' | 'aws' | 'azure' | 'gcp';
  /** ProxySecretRef specifies the Secret containing the proxy configuration to use while communicating with the container registry. */
  proxySecretRef?: {
    /** Name of the referent. */
    name: string;
  };
};

/** What ImageRepositoryV1beta1, ImageRepositorySpec share in spec. */
export type ImageRepositorySpecBase = {
  /** AccessFrom defines an ACL for allowing cross-namespace references to the ImageRepository object based on the caller's namespace labels. */
  accessFrom?: AccessFrom;
  /** CertSecretRef can be given the name of a secret containing either or both of */
  certSecretRef?: {
    /** Name of the referent. */
    name: string;
  };
  /** ExclusionList is a list of regex strings used to exclude certain tags from being stored in the database. */
  exclusionList?: string[];
  /** Image is the name of the image repository */
  image: string;
  /** Interval is the length of time to wait between scans of the image repository. */
  interval: string;
  /** SecretRef can be given the name of a secret containing credentials to use for the image registry. */
  secretRef?: {
    /** Name of the referent. */
    name: string;
  };
  /** ServiceAccountName is the name of the Kubernetes ServiceAccount used to authenticate the image pull if the service account has attached pul… */
  serviceAccountName?: string;
  /** This flag tells the controller to suspend subsequent image scans. */
  suspend?: boolean;
  /** Timeout for image scanning. */
  timeout?: string;
};

/** What ImageRepositoryV1, ImageRepositoryV1beta1, ImageRepositoryV1beta2 share in status. */
export type ImageRepositoryStatusBase = {
  /** CanonicalName is the name of the image repository with all the implied bits made explicit; e.g., `docker.io/library/alpine` rather than `al… */
  canonicalImageName?: string;
  conditions?: FluxCondition[];
  /** LastHandledReconcileAt holds the value of the most recent reconcile request value, so a change of the annotation value can be detected. */
  lastHandledReconcileAt?: string;
  /** ObservedGeneration is the last reconciled generation. */
  observedGeneration?: number;
};

/** What ImageUpdateAutomationV1, ImageUpdateAutomationV1beta2 share in spec.git.commit. */
export type ImageUpdateAutomationGitCommitBase = {
  /** Author gives the email and optionally the name to use as the author of commits. */
  author: Author;
  /** MessageTemplate provides a template for the commit message, into which will be interpolated the details of the change made. */
  messageTemplate?: string;
  /** MessageTemplateValues provides additional values to be available to the templating rendering. */
  messageTemplateValues?: {
    [k: string]: string | undefined;
  };
};

/** SourceRef refers to the resource giving access details to a git repository. */
export type ImageUpdateAutomationSourceRef = {
  /** API version of the referent. */
  apiVersion?: string;
  /** Kind of the referent. */
  kind: 'GitRepository';
  /** Name of the referent. */
  name: string;
  /** Namespace of the referent, defaults to the namespace of the Kubernetes resource object that contains the reference. */
  namespace?: string;
};

/** What ImageUpdateAutomationV1, ImageUpdateAutomationV1beta1, ImageUpdateAutomationV1beta2 share in spec. */
export type ImageUpdateAutomationSpecBase = {
  /** Interval gives an lower bound for how often the automation run should be attempted. */
  interval: string;
  /** SourceRef refers to the resource giving access details to a git repository. */
  sourceRef: ImageUpdateAutomationSourceRef;
  /** Suspend tells the controller to not run this automation, until it is unset (or set to false). */
  suspend?: boolean;
};

/** ImageUpdateAutomationStatus defines the observed state of ImageUpdateAutomation */
export type ImageUpdateAutomationStatus = ImageUpdateAutomationStatusBase & {
  /** ObservedPolicies is the list of observed ImagePolicies that were considered by the ImageUpdateAutomation update process. */
  observedPolicies?: {
    /** ImageRef represents an image reference. */
    [k: string]: LatestRef | undefined;
  };
  /** ObservedPolicies []ObservedPolicy `json:"observedPolicies,omitempty"` ObservedSourceRevision is the last observed source revision. */
  observedSourceRevision?: string;
};

/** What ImageUpdateAutomationV1beta1, ImageUpdateAutomationStatus share in status. */
export type ImageUpdateAutomationStatusBase = {
  conditions?: FluxCondition[];
  /** LastAutomationRunTime records the last time the controller ran this automation through to completion (even if no updates were made). */
  lastAutomationRunTime?: string;
  /** LastHandledReconcileAt holds the value of the most recent reconcile request value, so a change of the annotation value can be detected. */
  lastHandledReconcileAt?: string;
  /** LastPushCommit records the SHA1 of the last commit made by the controller, for this automation object */
  lastPushCommit?: string;
  /** LastPushTime records the time of the last pushed change. */
  lastPushTime?: string;
  observedGeneration?: number;
};

/** Install holds the configuration for Helm install actions for this HelmRelease. */
export type Install = {
  /** CRDs upgrade CRDs from the Helm Chart's crds directory according to the CRD upgrade policy provided here. */
  crds?: 'Skip' | 'Create' | 'CreateReplace';
  /** CreateNamespace tells the Helm install action to create the HelmReleaseSpec.TargetNamespace if it does not exist yet. */
  createNamespace?: boolean;
  /** DisableHooks prevents hooks from running during the Helm install action. */
  disableHooks?: boolean;
  /** DisableOpenAPIValidation prevents the Helm install action from validating rendered templates against the Kubernetes OpenAPI Schema. */
  disableOpenAPIValidation?: boolean;
  /** DisableWait disables the waiting for resources to be ready after a Helm install has been performed. */
  disableWait?: boolean;
  /** DisableWaitForJobs disables waiting for jobs to complete after a Helm install has been performed. */
  disableWaitForJobs?: boolean;
  /** Remediation holds the remediation configuration for when the Helm install action for the HelmRelease fails. */
  remediation?: InstallRemediation;
  /** Replace tells the Helm install action to re-use the 'ReleaseName', but only if that name is a deleted release which remains in the history. */
  replace?: boolean;
  /** SkipCRDs tells the Helm install action to not install any CRDs. */
  skipCRDs?: boolean;
  /** Timeout is the time to wait for any individual Kubernetes operation (like Jobs for hooks) during the performance of a Helm install action. */
  timeout?: string;
};

/** Remediation holds the remediation configuration for when the Helm install action for the HelmRelease fails. */
export type InstallRemediation = {
  /** IgnoreTestFailures tells the controller to skip remediation when the Helm tests are run after an install action but fail. */
  ignoreTestFailures?: boolean;
  /** RemediateLastFailure tells the controller to remediate the last failure, when no retries remain. */
  remediateLastFailure?: boolean;
  /** Retries is the number of retries that should be attempted on failures before bailing. */
  retries?: number;
};

/** Inventory contains the list of Kubernetes resource object references that have been applied for this release. */
export type Inventory = {
  /**
   * Entries of Kubernetes resource object references.
   *
   * Items: ResourceRef contains the information necessary to locate a resource within a cluster.
   */
  entries: {
    /** ID is the string representation of the Kubernetes resource object's metadata, in the format '<namespace>_<name>_<group>_<kind>'. */
    id: string;
    /** Version is the API version of the Kubernetes resource object's kind. */
    v: string;
  }[];
};

/** KubeConfig for reconciling the HelmRelease on a remote cluster. */
export type KubeConfig = {
  /** ConfigMapRef holds an optional name of a ConfigMap that contains the following keys: */
  configMapRef?: {
    /** Name of the referent. */
    name: string;
  };
  /** SecretRef holds an optional name of a secret that contains a key with the kubeconfig file as the value. */
  secretRef?: SecretRef;
};

/** What KustomizationV1, KustomizationV1beta1, KustomizationV1beta2 share in spec.sourceRef. */
export type KustomizationSourceRefBase = {
  /** API version of the referent. */
  apiVersion?: string;
  /** Name of the referent. */
  name: string;
  /** Namespace of the referent, defaults to the namespace of the Kubernetes resource object that contains the reference. */
  namespace?: string;
};

/** What KustomizationV1, KustomizationV1beta1, KustomizationV1beta2 share in spec. */
export type KustomizationSpecBase = {
  /** Force instructs the controller to recreate resources when patching fails due to an immutable field change. */
  force?: boolean;
  /**
   * A list of resources to be included in the health assessment.
   *
   * Items: NamespacedObjectKindReference contains enough information to locate the typed referenced Kubernetes resource object in any namespace.
   */
  healthChecks?: NamespacedObjectKindReference[];
  /**
   * Images is a list of (image name, new name, new tag or digest) for changing image names, tags or digests.
   *
   * Items: Image contains an image name, a new name, a new tag or digest, which will replace the original name and tag.
   */
  images?: Image[];
  /** The interval at which to reconcile the Kustomization. */
  interval: string;
  /**
   * Strategic merge and JSON patches, defined as inline YAML objects, capable of targeting objects based on kind, label and annotation selector…
   *
   * Items: Patch contains an inline StrategicMerge or JSON6902 patch, and the target the patch should be applied to.
   */
  patches?: Patch[];
  /** Path to the directory containing the kustomization.yaml file, or the set of plain YAMLs a kustomization.yaml should be generated for. */
  path?: string;
  /** Prune enables garbage collection. */
  prune: boolean;
  /** The interval at which to retry a previously failed reconciliation. */
  retryInterval?: string;
  /** The name of the Kubernetes service account to impersonate when reconciling this Kustomization. */
  serviceAccountName?: string;
  /** This flag tells the controller to suspend subsequent kustomize executions, it does not apply to already started executions. */
  suspend?: boolean;
  /** TargetNamespace sets or overrides the namespace in the kustomization.yaml file. */
  targetNamespace?: string;
  /** Timeout for validation, apply and health checking operations. */
  timeout?: string;
};

/** What KustomizationV1, KustomizationV1beta2 share in spec. */
export type KustomizationSpecV1AndV1beta2Base = {
  /** CommonMetadata specifies the common labels and annotations that are applied to all resources. */
  commonMetadata?: CommonMetadata;
  /** Components specifies relative paths to kustomize Components. */
  components?: string[];
  /** Wait instructs the controller to check the health of all the reconciled resources. */
  wait?: boolean;
};

/** What KustomizationV1beta1, KustomizationV1beta2 share in spec. */
export type KustomizationSpecV1beta1AndV1beta2Base = {
  /** Decrypt Kubernetes secrets before applying them on the cluster. */
  decryption?: Decryption;
  /**
   * DependsOn may contain a meta.NamespacedObjectReference slice with references to Kustomization resources that must be ready before this Kust…
   *
   * Items: NamespacedObjectReference contains enough information to locate the referenced Kubernetes resource object in any namespace.
   */
  dependsOn?: NamespacedObjectReference[];
  /**
   * JSON 6902 patches, defined as inline YAML objects.
   *
   * Items: JSON6902Patch contains a JSON6902 patch and the target the patch should be applied to.
   */
  patchesJson6902?: PatchesJson6902[];
  /** Strategic merge patches, defined as inline YAML objects. */
  patchesStrategicMerge?: unknown[];
  /** Validate the Kubernetes objects before applying them on the cluster. */
  validation?: 'none' | 'client' | 'server';
};

/** What KustomizationV1, KustomizationV1beta1, KustomizationV1beta2 share in status. */
export type KustomizationStatusBase = {
  conditions?: FluxCondition[];
  /** The last successfully applied revision. */
  lastAppliedRevision?: string;
  /** LastAttemptedRevision is the revision of the last reconciliation attempt. */
  lastAttemptedRevision?: string;
  /** LastHandledReconcileAt holds the value of the most recent reconcile request value, so a change of the annotation value can be detected. */
  lastHandledReconcileAt?: string;
  /** ObservedGeneration is the last reconciled generation. */
  observedGeneration?: number;
};

/** LatestRef gives the first in the list of images scanned by the image repository, when filtered and ordered according to the policy. */
export type LatestRef = {
  /** Digest is the image's digest. */
  digest?: string;
  /** Name is the bare image's name. */
  name: string;
  /** Tag is the image's tag. */
  tag: string;
};

/** LayerSelector specifies which layer should be extracted from the OCI artifact. */
export type LayerSelector = {
  /** MediaType specifies the OCI media type of the layer which should be extracted from the OCI Artifact. */
  mediaType?: string;
  /** Operation specifies how the selected layer should be processed. */
  operation?: 'extract' | 'copy';
};

/** OIDCIdentityMatch specifies options for verifying the certificate identity, i.e. */
export type MatchOIDCIdentity = {
  /** Issuer specifies the regex pattern to match against to verify the OIDC issuer in the Fulcio certificate. */
  issuer: string;
  /** Subject specifies the regex pattern to match against to verify the identity subject in the Fulcio certificate. */
  subject: string;
};

/** NamespacedObjectKindReference contains enough information to locate the typed referenced Kubernetes resource object in any namespace. */
export type NamespacedObjectKindReference = {
  /** API version of the referent, if not specified the Kubernetes preferred version will be used. */
  apiVersion?: string;
  /** Kind of the referent. */
  kind: string;
  /** Name of the referent. */
  name: string;
  /** Namespace of the referent, when not specified it acts as LocalObjectReference. */
  namespace?: string;
};

/** NamespacedObjectReference contains enough information to locate the referenced Kubernetes resource object in any namespace. */
export type NamespacedObjectReference = {
  /** Name of the referent. */
  name: string;
  /** Namespace of the referent, when not specified it acts as LocalObjectReference. */
  namespace?: string;
};

/** The OCI reference to pull and monitor for changes, defaults to the latest tag. */
export type OCIRepositoryRef = {
  /** Digest is the image digest to pull, takes precedence over SemVer. */
  digest?: string;
  /** SemVer is the range of tags to pull selecting the latest within the range, takes precedence over Tag. */
  semver?: string;
  /** SemverFilter is a regex pattern to filter the tags within the SemVer range. */
  semverFilter?: string;
  /** Tag is the image tag to pull, defaults to latest. */
  tag?: string;
};

/** What OCIRepositoryV1, OCIRepositoryV1beta2 share in spec. */
export type OCIRepositorySpecBase = {
  /** CertSecretRef can be given the name of a Secret containing either or both of */
  certSecretRef?: {
    /** Name of the referent. */
    name: string;
  };
  /** Ignore overrides the set of excluded patterns in the .sourceignore format (which is the same as .gitignore). */
  ignore?: string;
  /** Insecure allows connecting to a non-TLS HTTP container registry. */
  insecure?: boolean;
  /** Interval at which the OCIRepository URL is checked for updates. */
  interval: string;
  /** LayerSelector specifies which layer should be extracted from the OCI artifact. */
  layerSelector?: LayerSelector;
  /** The provider used for authentication, can be 'aws', 'azure', 'gcp' or 'generic'. */
  provider?: 'generic' | 'aws' | 'azure' | 'gcp';
  /** ProxySecretRef specifies the Secret containing the proxy configuration to use while communicating with the container registry. */
  proxySecretRef?: {
    /** Name of the referent. */
    name: string;
  };
  /** The OCI reference to pull and monitor for changes, defaults to the latest tag. */
  ref?: OCIRepositoryRef;
  /** SecretRef contains the secret name containing the registry login credentials to resolve image metadata. */
  secretRef?: {
    /** Name of the referent. */
    name: string;
  };
  /** ServiceAccountName is the name of the Kubernetes ServiceAccount used to authenticate the image pull if the service account has attached pul… */
  serviceAccountName?: string;
  /** This flag tells the controller to suspend the reconciliation of this source. */
  suspend?: boolean;
  /** The timeout for remote OCI Repository operations like pulling, defaults to 60s. */
  timeout?: string;
  /** URL is a reference to an OCI artifact repository hosted on a remote container registry. */
  url: string;
};

/** What OCIRepositoryV1, OCIRepositoryV1beta2 share in status. */
export type OCIRepositoryStatusBase = {
  /** Artifact represents the output of the last successful OCI Repository sync. */
  artifact?: Artifact;
  /** Conditions holds the conditions for the OCIRepository. */
  conditions?: FluxCondition[];
  /** LastHandledReconcileAt holds the value of the most recent reconcile request value, so a change of the annotation value can be detected. */
  lastHandledReconcileAt?: string;
  /** ObservedGeneration is the last observed generation. */
  observedGeneration?: number;
  /** ObservedIgnore is the observed exclusion patterns used for constructing the source artifact. */
  observedIgnore?: string;
  /** ObservedLayerSelector is the observed layer selector used for constructing the source artifact. */
  observedLayerSelector?: LayerSelector;
  /** URL is the download link for the artifact output of the last OCI Repository sync. */
  url?: string;
};

/** Patch contains an inline StrategicMerge or JSON6902 patch, and the target the patch should be applied to. */
export type Patch = {
  /** Patch contains an inline StrategicMerge patch or an inline JSON6902 patch with an array of operation objects. */
  patch: string;
  /** Target points to the resources that the patch document should be applied to. */
  target?: Target;
};

/** JSON6902Patch contains a JSON6902 patch and the target the patch should be applied to. */
export type PatchesJson6902 = {
  /**
   * Patch contains the JSON6902 patch document with an array of operation objects.
   *
   * Items: JSON6902 is a JSON6902 operation object.
   */
  patch: {
    /** From contains a JSON-pointer value that references a location within the target document where the operation is performed. */
    from?: string;
    /** Op indicates the operation to perform. */
    op: 'test' | 'remove' | 'add' | 'replace' | 'move' | 'copy';
    /** Path contains the JSON-pointer value that references a location within the target document where the operation is performed. */
    path: string;
    /** Value contains a valid JSON structure. */
    value?: unknown;
  }[];
  /** Target points to the resources that the patch document should be applied to. */
  target: Target;
};

/** Policy gives the particulars of the policy to be followed in selecting the most recent image */
export type Policy = {
  /** Alphabetical set of rules to use for alphabetical ordering of the tags. */
  alphabetical?: {
    /** Order specifies the sorting order of the tags. */
    order?: 'asc' | 'desc';
  };
  /** Numerical set of rules to use for numerical ordering of the tags. */
  numerical?: {
    /** Order specifies the sorting order of the tags. */
    order?: 'asc' | 'desc';
  };
  /** SemVer gives a semantic version range to check against the tags available. */
  semver?: {
    /** Range gives a semver range for the image tag; the highest version within the range that's a tag yields the latest image. */
    range: string;
  };
};

/** PolicySelector allows to filter applied policies based on labels. */
export type PolicySelector = {
  /**
   * matchExpressions is a list of label selector requirements.
   *
   * Items: A label selector requirement is a selector that contains values, a key, and an operator that relates the key and values.
   */
  matchExpressions?: {
    /** key is the label key that the selector applies to. */
    key: string;
    /** operator represents a key's relationship to a set of values. */
    operator: string;
    /** values is an array of string values. */
    values?: string[];
  }[];
  /** matchLabels is a map of {key,value} pairs. */
  matchLabels?: {
    [k: string]: string | undefined;
  };
};

/** PostRenderer contains a Helm PostRenderer specification. */
export type PostRenderer = {
  /** Kustomization to apply as PostRenderer. */
  kustomize?: {
    /**
     * Images is a list of (image name, new name, new tag or digest) for changing image names, tags or digests.
     *
     * Items: Image contains an image name, a new name, a new tag or digest, which will replace the original name and tag.
     */
    images?: Image[];
    /**
     * Strategic merge and JSON patches, defined as inline YAML objects, capable of targeting objects based on kind, label and annotation selector…
     *
     * Items: Patch contains an inline StrategicMerge or JSON6902 patch, and the target the patch should be applied to.
     */
    patches?: Patch[];
    /**
     * JSON 6902 patches, defined as inline YAML objects.
     *
     * Items: JSON6902Patch contains a JSON6902 patch and the target the patch should be applied to.
     */
    patchesJson6902?: PatchesJson6902[];
    /** Strategic merge patches, defined as inline YAML objects. */
    patchesStrategicMerge?: unknown[];
  };
};

/** Push specifies how and where to push commits made by the automation. */
export type Push = {
  /** Branch specifies that commits should be pushed to the branch named. */
  branch?: string;
  /** Options specifies the push options that are sent to the Git server when performing a push operation. */
  options?: {
    [k: string]: string | undefined;
  };
  /** Refspec specifies the Git Refspec to use for a push operation. */
  refspec?: string;
};

/** Remediation holds the remediation configuration for when the Helm upgrade action for the HelmRelease fails. */
export type Remediation = {
  /** IgnoreTestFailures tells the controller to skip remediation when the Helm tests are run after an upgrade action but fail. */
  ignoreTestFailures?: boolean;
  /** RemediateLastFailure tells the controller to remediate the last failure, when no retries remain. */
  remediateLastFailure?: boolean;
  /** Retries is the number of retries that should be attempted on failures before bailing. */
  retries?: number;
  /** Strategy to use for failure remediation. */
  strategy?: 'rollback' | 'uninstall';
};

/** Rollback holds the configuration for Helm rollback actions for this HelmRelease. */
export type Rollback = {
  /** CleanupOnFail allows deletion of new resources created during the Helm rollback action when it fails. */
  cleanupOnFail?: boolean;
  /** DisableHooks prevents hooks from running during the Helm rollback action. */
  disableHooks?: boolean;
  /** DisableWait disables the waiting for resources to be ready after a Helm rollback has been performed. */
  disableWait?: boolean;
  /** DisableWaitForJobs disables waiting for jobs to complete after a Helm rollback has been performed. */
  disableWaitForJobs?: boolean;
  /** Force forces resource updates through a replacement strategy. */
  force?: boolean;
  /** Recreate performs pod restarts for the resource if applicable. */
  recreate?: boolean;
  /** Timeout is the time to wait for any individual Kubernetes operation (like Jobs for hooks) during the performance of a Helm rollback action. */
  timeout?: string;
};

/** SecretRef holds an optional name of a secret that contains a key with the kubeconfig file as the value. */
export type SecretRef = {
  /** Key in the Secret, when not specified an implementation-specific default key is used. */
  key?: string;
  /** Name of the Secret. */
  name: string;
};

/** SigningKey provides the option to sign commits with a GPG key */
export type SigningKey = {
  /** SecretRef holds the name to a secret that contains a 'git.asc' key corresponding to the ASCII Armored file containing the GPG signing keypa… */
  secretRef: {
    /** Name of the referent. */
    name: string;
  };
};

/** The name and namespace of the v1.Source the chart is available at. */
export type SourceRef = {
  /** APIVersion of the referent. */
  apiVersion?: string;
  /** Kind of the referent. */
  kind: 'HelmRepository' | 'GitRepository' | 'Bucket';
  /** Name of the referent. */
  name: string;
  /** Namespace of the referent. */
  namespace?: string;
};

/** Strategy defines the install strategy to use for this HelmRelease. */
export type Strategy = {
  /** Name of the install strategy. */
  name: 'RemediateOnFailure' | 'RetryOnFailure';
  /** RetryInterval is the interval at which to retry a failed install. */
  retryInterval?: string;
};

/** SubstituteReference contains a reference to a resource containing the variables name and value. */
export type SubstituteReference = {
  /** Kind of the values referent, valid values are ('Secret', 'ConfigMap'). */
  kind: 'Secret' | 'ConfigMap';
  /** Name of the values referent. */
  name: string;
  /** Optional indicates whether the referenced resource must exist, or whether to tolerate its absence. */
  optional?: boolean;
};

/** Target points to the resources that the patch document should be applied to. */
export type Target = {
  /** AnnotationSelector is a string that follows the label selection expression https://kubernetes.io/docs/concepts/overview/working-with-object… */
  annotationSelector?: string;
  /** Group is the API group to select resources from. */
  group?: string;
  /** Kind of the API Group to select resources from. */
  kind?: string;
  /** LabelSelector is a string that follows the label selection expression https://kubernetes.io/docs/concepts/overview/working-with-objects/lab… */
  labelSelector?: string;
  /** Name to match resources with. */
  name?: string;
  /** Namespace to select resources from. */
  namespace?: string;
  /** Version of the API Group to select resources from. */
  version?: string;
};

/** Test holds the configuration for Helm test actions for this HelmRelease. */
export type Test = TestBase & {
  /**
   * Filters is a list of tests to run or exclude from running.
   *
   * Items: Filter holds the configuration for individual Helm test filters.
   */
  filters?: {
    /** Exclude specifies whether the named test should be excluded. */
    exclude?: boolean;
    /** Name is the name of the test. */
    name: string;
  }[];
};

/** What HelmReleaseV2beta1, Test share in spec.test. */
export type TestBase = {
  /** Enable enables Helm test actions for this HelmRelease after an Helm install or upgrade action has been performed. */
  enable?: boolean;
  /** IgnoreFailures tells the controller to skip remediation when the Helm tests are run but fail. */
  ignoreFailures?: boolean;
  /** Timeout is the time to wait for any individual Kubernetes operation during the performance of a Helm test action. */
  timeout?: string;
};

/** TestHookStatus holds the status information for a test hook as observed to be run by the controller. */
export type TestHooks = {
  /** LastCompleted is the time the test hook last completed. */
  lastCompleted?: string;
  /** LastStarted is the time the test hook was last started. */
  lastStarted?: string;
  /** Phase the test hook was observed to be in. */
  phase?: string;
};

/** Uninstall holds the configuration for Helm uninstall actions for this HelmRelease. */
export type Uninstall = {
  /** DeletionPropagation specifies the deletion propagation policy when a Helm uninstall is performed. */
  deletionPropagation?: 'background' | 'foreground' | 'orphan';
  /** DisableHooks prevents hooks from running during the Helm rollback action. */
  disableHooks?: boolean;
  /** DisableWait disables waiting for all the resources to be deleted after a Helm uninstall is performed. */
  disableWait?: boolean;
  /** KeepHistory tells Helm to remove all associated resources and mark the release as deleted, but retain the release history. */
  keepHistory?: boolean;
  /** Timeout is the time to wait for any individual Kubernetes operation (like Jobs for hooks) during the performance of a Helm uninstall action. */
  timeout?: string;
};

/** Update gives the specification for how to update the files in the repository. */
export type Update = {
  /** Path to the directory containing the manifests to be updated. */
  path?: string;
  /** Strategy names the strategy to be used. */
  strategy: 'Setters';
};

/** Upgrade holds the configuration for Helm upgrade actions for this HelmRelease. */
export type Upgrade = {
  /** CleanupOnFail allows deletion of new resources created during the Helm upgrade action when it fails. */
  cleanupOnFail?: boolean;
  /** CRDs upgrade CRDs from the Helm Chart's crds directory according to the CRD upgrade policy provided here. */
  crds?: 'Skip' | 'Create' | 'CreateReplace';
  /** DisableHooks prevents hooks from running during the Helm upgrade action. */
  disableHooks?: boolean;
  /** DisableOpenAPIValidation prevents the Helm upgrade action from validating rendered templates against the Kubernetes OpenAPI Schema. */
  disableOpenAPIValidation?: boolean;
  /** DisableWait disables the waiting for resources to be ready after a Helm upgrade has been performed. */
  disableWait?: boolean;
  /** DisableWaitForJobs disables waiting for jobs to complete after a Helm upgrade has been performed. */
  disableWaitForJobs?: boolean;
  /** Force forces resource updates through a replacement strategy. */
  force?: boolean;
  /** PreserveValues will make Helm reuse the last release's values and merge in overrides from 'Values'. */
  preserveValues?: boolean;
  /** Remediation holds the remediation configuration for when the Helm upgrade action for the HelmRelease fails. */
  remediation?: Remediation;
  /** Timeout is the time to wait for any individual Kubernetes operation (like Jobs for hooks) during the performance of a Helm upgrade action. */
  timeout?: string;
};

/** ValuesReference contains a reference to a resource containing Helm values, and optionally the key they can be found at. */
export type ValuesReference = {
  /** Kind of the values referent, valid values are ('Secret', 'ConfigMap'). */
  kind: 'Secret' | 'ConfigMap';
  /** Name of the values referent. */
  name: string;
  /** Optional marks this ValuesReference as optional. */
  optional?: boolean;
  /** TargetPath is the YAML dot notation path the value should be merged at. */
  targetPath?: string;
  /** ValuesKey is the data key where the values.yaml or a specific value can be found at. */
  valuesKey?: string;
};

/** Verify contains the secret name containing the trusted public keys used to verify the signature and specifies which provider to use to chec… */
export type Verify = {
  /**
   * MatchOIDCIdentity specifies the identity matching criteria to use while verifying an OCI artifact which was signed using Cosign keyless sig…
   *
   * Items: OIDCIdentityMatch specifies options for verifying the certificate identity, i.e.
   */
  matchOIDCIdentity?: MatchOIDCIdentity[];
  /** Provider specifies the technology used to sign the OCI Artifact. */
  provider: 'cosign' | 'notation';
  /** SecretRef specifies the Kubernetes Secret containing the trusted public keys. */
  secretRef?: {
    /** Name of the referent. */
    name: string;
  };
};

/** Every Flux kind the vendored CRDs define. */
export const FLUX_KINDS = [
  'GitRepository',
  'HelmChart',
  'HelmRelease',
  'HelmRepository',
  'ImagePolicy',
  'ImageRepository',
  'ImageUpdateAutomation',
  'Kustomization',
  'OCIRepository',
] as const;

/** Each kind's types by served version; the hand-written unions in flux-types.ts read this. */
export interface FluxTypesByKind {
  GitRepository: GitRepositoryV1 | GitRepositoryV1beta1 | GitRepositoryV1beta2;
  HelmChart: HelmChartV1 | HelmChartV1beta1 | HelmChartV1beta2;
  HelmRelease: HelmReleaseV2 | HelmReleaseV2beta1 | HelmReleaseV2beta2;
  HelmRepository: HelmRepositoryV1 | HelmRepositoryV1beta1 | HelmRepositoryV1beta2;
  ImagePolicy: ImagePolicyV1 | ImagePolicyV1beta1 | ImagePolicyV1beta2;
  ImageRepository: ImageRepositoryV1 | ImageRepositoryV1beta1 | ImageRepositoryV1beta2;
  ImageUpdateAutomation: ImageUpdateAutomationV1 | ImageUpdateAutomationV1beta1 | ImageUpdateAutomationV1beta2;
  Kustomization: KustomizationV1 | KustomizationV1beta1 | KustomizationV1beta2;
  OCIRepository: OCIRepositoryV1 | OCIRepositoryV1beta2;
}

// The parts of the rows below: the Flux lines serving a version, where it is stored and whether it is deprecated;
// which of the fields waits rely on its schema has.
const SERVED_BY_V2_9_V2_6_STORAGE = {
  lines: ['v2.9', 'v2.6'],
  storageIn: ['v2.9', 'v2.6'],
  deprecated: false,
} as const;
const LACKS_RETRY_INTERVAL = {
  lastHandledReconcileAt: true,
  interval: true,
  retryInterval: false,
  observedGeneration: true,
} as const;
const SERVED_BY_V2_6_DEPRECATED = { lines: ['v2.6'], storageIn: [], deprecated: true } as const;
const SERVED_BY_V2_9_STORAGE = { lines: ['v2.9'], storageIn: ['v2.9'], deprecated: false } as const;
const SERVED_BY_V2_6 = { lines: ['v2.6'], storageIn: [], deprecated: false } as const;
const LACKS_LAST_HANDLED_RECONCILE_AT_INTERVAL_RETRY_INTERVAL = {
  lastHandledReconcileAt: false,
  interval: false,
  retryInterval: false,
  observedGeneration: true,
} as const;
const SERVED_BY_V2_6_STORAGE = { lines: ['v2.6'], storageIn: ['v2.6'], deprecated: false } as const;
const LACKS_LAST_HANDLED_RECONCILE_AT_RETRY_INTERVAL = {
  lastHandledReconcileAt: false,
  interval: true,
  retryInterval: false,
  observedGeneration: true,
} as const;
const HAS_ALL_FIELDS = {
  lastHandledReconcileAt: true,
  interval: true,
  retryInterval: true,
  observedGeneration: true,
} as const;

/**
 * Per kind and apiVersion: the Flux lines serving it, where it is the storage version, whether it is deprecated,
 * and whether its schema has the fields waits rely on (true only if every line serving it has the field).
 */
export const FLUX_SERVED_VERSIONS = {
  GitRepository: {
    'source.toolkit.fluxcd.io/v1': { ...SERVED_BY_V2_9_V2_6_STORAGE, ...LACKS_RETRY_INTERVAL },
    'source.toolkit.fluxcd.io/v1beta1': { ...SERVED_BY_V2_6_DEPRECATED, ...LACKS_RETRY_INTERVAL },
    'source.toolkit.fluxcd.io/v1beta2': { ...SERVED_BY_V2_6_DEPRECATED, ...LACKS_RETRY_INTERVAL },
  },
  HelmChart: {
    'source.toolkit.fluxcd.io/v1': { ...SERVED_BY_V2_9_V2_6_STORAGE, ...LACKS_RETRY_INTERVAL },
    'source.toolkit.fluxcd.io/v1beta1': { ...SERVED_BY_V2_6_DEPRECATED, ...LACKS_RETRY_INTERVAL },
    'source.toolkit.fluxcd.io/v1beta2': { ...SERVED_BY_V2_6_DEPRECATED, ...LACKS_RETRY_INTERVAL },
  },
  HelmRelease: {
    'helm.toolkit.fluxcd.io/v2': { ...SERVED_BY_V2_9_V2_6_STORAGE, ...LACKS_RETRY_INTERVAL },
    'helm.toolkit.fluxcd.io/v2beta1': { ...SERVED_BY_V2_6_DEPRECATED, ...LACKS_RETRY_INTERVAL },
    'helm.toolkit.fluxcd.io/v2beta2': { ...SERVED_BY_V2_6_DEPRECATED, ...LACKS_RETRY_INTERVAL },
  },
  HelmRepository: {
    'source.toolkit.fluxcd.io/v1': { ...SERVED_BY_V2_9_V2_6_STORAGE, ...LACKS_RETRY_INTERVAL },
    'source.toolkit.fluxcd.io/v1beta1': { ...SERVED_BY_V2_6_DEPRECATED, ...LACKS_RETRY_INTERVAL },
    'source.toolkit.fluxcd.io/v1beta2': { ...SERVED_BY_V2_6_DEPRECATED, ...LACKS_RETRY_INTERVAL },
  },
  ImagePolicy: {
    'image.toolkit.fluxcd.io/v1': { ...SERVED_BY_V2_9_STORAGE, ...LACKS_RETRY_INTERVAL },
    'image.toolkit.fluxcd.io/v1beta1': {
      ...SERVED_BY_V2_6,
      ...LACKS_LAST_HANDLED_RECONCILE_AT_INTERVAL_RETRY_INTERVAL,
    },
    'image.toolkit.fluxcd.io/v1beta2': { ...SERVED_BY_V2_6_STORAGE, ...LACKS_LAST_HANDLED_RECONCILE_AT_RETRY_INTERVAL },
  },
  ImageRepository: {
    'image.toolkit.fluxcd.io/v1': { ...SERVED_BY_V2_9_STORAGE, ...LACKS_RETRY_INTERVAL },
    'image.toolkit.fluxcd.io/v1beta1': { ...SERVED_BY_V2_6, ...LACKS_RETRY_INTERVAL },
    'image.toolkit.fluxcd.io/v1beta2': { ...SERVED_BY_V2_6_STORAGE, ...LACKS_RETRY_INTERVAL },
  },
  ImageUpdateAutomation: {
    'image.toolkit.fluxcd.io/v1': { ...SERVED_BY_V2_9_STORAGE, ...LACKS_RETRY_INTERVAL },
    'image.toolkit.fluxcd.io/v1beta1': { ...SERVED_BY_V2_6_DEPRECATED, ...LACKS_RETRY_INTERVAL },
    'image.toolkit.fluxcd.io/v1beta2': { ...SERVED_BY_V2_6_STORAGE, ...LACKS_RETRY_INTERVAL },
  },
  Kustomization: {
    'kustomize.toolkit.fluxcd.io/v1': { ...SERVED_BY_V2_9_V2_6_STORAGE, ...HAS_ALL_FIELDS },
    'kustomize.toolkit.fluxcd.io/v1beta1': { ...SERVED_BY_V2_6_DEPRECATED, ...HAS_ALL_FIELDS },
    'kustomize.toolkit.fluxcd.io/v1beta2': { ...SERVED_BY_V2_6_DEPRECATED, ...HAS_ALL_FIELDS },
  },
  OCIRepository: {
    'source.toolkit.fluxcd.io/v1': { ...SERVED_BY_V2_9_V2_6_STORAGE, ...LACKS_RETRY_INTERVAL },
    'source.toolkit.fluxcd.io/v1beta2': { ...SERVED_BY_V2_6_DEPRECATED, ...LACKS_RETRY_INTERVAL },
  },
} as const;
